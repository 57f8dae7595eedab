import { COLLECTOR_VARS } from "./vars/collector.ts";
import { DASHBOARD_VARS } from "./vars/dashboard.ts";
import { INSTRUMENTATION_VARS } from "./vars/instrumentation.ts";
import { STORAGE_VARS } from "./vars/storage.ts";
import { TEST_SUITE_VARS } from "./vars/test-suite.ts";

export { DEFAULT_DATA_DIR, LOG_LEVELS } from "./vars/storage.ts";

/**
 * Every environment variable genledger reads, in documentation order. This is the one place a
 * variable is declared (one file per process under `vars/`): services load it through
 * `loadConfig`, `docs/configuration.md` is generated from it, and a test fails when code reads a
 * variable that is not here.
 */
export const ENV = {
  ...STORAGE_VARS,
  ...COLLECTOR_VARS,
  ...DASHBOARD_VARS,
  ...INSTRUMENTATION_VARS,
  ...TEST_SUITE_VARS,
};

/** The registry's type. */
export type EnvRegistry = typeof ENV;
