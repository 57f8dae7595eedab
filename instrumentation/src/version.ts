/** This package's version, reported as `telemetry.distro.version`. */
export const VERSION = "0.1.0";
