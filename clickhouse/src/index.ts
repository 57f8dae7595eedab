export type { ApiKeyInfo, ApiKeyScope } from "./api-keys.ts";
export { API_KEY_SCOPES, createApiKey, findApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";
export type { ClickHouseConfig, RetentionDays } from "./config.ts";
export { resolveConfig } from "./config.ts";
export {
  DataDirLockedError,
  InvalidInputError,
  MigrationError,
  QueryError,
  SchemaNewerThanCodeError,
  StoreError,
} from "./errors.ts";
export type { GenerationFilter, GenerationPage, GenerationSort } from "./generation-list.ts";
export { GENERATION_SORTS, listGenerations } from "./generation-list.ts";
export type { GenerationSummary } from "./generation-row.ts";
export { PREVIEW_LENGTH } from "./generation-row.ts";
export type { InsertOptions, InsertResult } from "./generations.ts";
export { getGeneration, insertGenerations, markAbandoned } from "./generations.ts";
export type { Migration } from "./migrations.ts";
export { appliedMigrations, loadMigrations, MIGRATIONS_DIR, migrate, migrateDown } from "./migrations.ts";
export { applyRetention, currentRetention } from "./retention.ts";
export type {
  ReconcileResult,
  RollupBucket,
  RollupDimension,
  SpendRollupQuery,
  SpendRow,
} from "./rollups.ts";
export { ROLLUP_BUCKETS, ROLLUP_DIMENSIONS, reconcileRollups, spendRollup } from "./rollups.ts";
export { getTraceSpans, insertSpans, StoredSpan } from "./spans.ts";
export type { Params } from "./sql.ts";
export { execute, insertRows, queryRows } from "./sql.ts";
export { createClickHouse } from "./store.ts";
export type { Store } from "./store-types.ts";
export type { SqlTarget } from "./template.ts";
export { renderSql, splitStatements } from "./template.ts";
export { fromChTime, toChTime } from "./time.ts";
