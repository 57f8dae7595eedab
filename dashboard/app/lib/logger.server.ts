import type { DashboardLogger } from "../../server/types.ts";

/** Logs to the console unless `GENLEDGER_LOG_LEVEL=silent` (tests). */
export function consoleLogger(): DashboardLogger {
  const silent = process.env.GENLEDGER_LOG_LEVEL === "silent";
  return {
    info: (message) => {
      if (!silent) console.info(message);
    },
    warn: (message) => {
      if (!silent) console.warn(message);
    },
    error: (message, error) => {
      if (!silent) console.error(message, error ?? "");
    },
  };
}
