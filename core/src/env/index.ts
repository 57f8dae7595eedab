export type {
  ConfigOf,
  DerivedDefault,
  EnvSource,
  EnvValue,
  EnvVar,
  Mode,
  ProcessName,
  RequirementContext,
} from "./define.ts";
export { derivedDefault, envVar, MODES, PROCESSES, PRODUCT_PROCESSES } from "./define.ts";
export { CONFIGURATION_DOC, configurationDocIsCurrent, renderConfigurationDoc } from "./docs.ts";
export type { Config, ConfigIssue, LoadConfigOptions } from "./load-config.ts";
export { ConfigError, loadConfig, variablesFor } from "./load-config.ts";
export type { EnvRegistry } from "./registry.ts";
export { DEFAULT_DATA_DIR, ENV, LOG_LEVELS } from "./registry.ts";
export {
  booleanFromEnv,
  bytesFromEnv,
  durationFromEnv,
  ingestKeysFromEnv,
  integerFromEnv,
  keyValueListFromEnv,
  listFromEnv,
  oneOfFromEnv,
  portFromEnv,
  secretFromEnv,
  textFromEnv,
  urlFromEnv,
} from "./schemas.ts";
