// Analytics (costs, budgets, alerts, abuse, reprice): clickhouse/src/analytics/.
export type {
  AbuseOptions,
  AbuseReport,
  AbuseScore,
  AbuseSignal,
  AbuseSignalKind,
  AlertFiring,
  AlertKind,
  AlertParams,
  AlertRule,
  AlertRuleInput,
  AnalyticsStore,
  Budget,
  BudgetEnforcement,
  BudgetInput,
  BudgetPeriod,
  BudgetScope,
  BudgetStatus,
  CostDimension,
  CostFilter,
  CostGroup,
  CostMetrics,
  CostMetricsJson,
  CostQuery,
  CostReport,
  CostRow,
  DeliveryStatus,
  ErrorCounts,
  ErrorRateOptions,
  ErrorRateVerdict,
  FiringFilter,
  Granularity,
  GuardBudget,
  RepriceAuditEntry,
  RepriceInput,
  RepriceResult,
  ResolvedSpikeOptions,
  SpikeOptions,
  SpikeVerdict,
  SpikeWindow,
  TimeWindow,
  TokenMix,
  UnpricedModel,
  UserActivity,
} from "./analytics/index.ts";
export {
  ABUSE_SIGNALS,
  ALERT_KINDS,
  ALERT_PARAM_DEFAULTS,
  ANALYTICS_ROLLUPS,
  abuseReport,
  addMetrics,
  alignRange,
  BUDGET_ENFORCEMENTS,
  BUDGET_PERIODS,
  BUDGET_SCOPES,
  bucketList,
  bucketStart,
  budgetPeriodBounds,
  budgetSpend,
  budgetStatus,
  budgetStatuses,
  COST_CSV_COLUMNS,
  COST_DIMENSIONS,
  COST_RANGES,
  CostParamError,
  chartSeries,
  costQueryParams,
  costReport,
  costReportJson,
  costRowsCsv,
  createAlertRule,
  createBudget,
  csvCell,
  DEFAULT_BUDGET_THRESHOLDS,
  DEFAULT_COOLDOWN_SECONDS,
  DEFAULT_ERROR_RATE_OPTIONS,
  DEFAULT_SPIKE_OPTIONS,
  dataSince,
  defaultGranularity,
  deleteAlertRule,
  deleteBudget,
  detectErrorRateSpike,
  detectSpike,
  errorCountsInWindows,
  GRANULARITIES,
  getAlertRule,
  getBudget,
  label,
  lastFiredByKey,
  listAlertRules,
  listBudgets,
  listFirings,
  listRepriceAudit,
  medianBig,
  nanosToUsdString,
  newFiringId,
  OTHER_GROUP,
  parseCostQuery,
  previousRange,
  rebuildAnalyticsRollups,
  recordFiring,
  repriceGenerations,
  resolveSpikeOptions,
  ruleParam,
  scoreAbuse,
  spendInWindows,
  spikeWindows,
  toGuardBudgets,
  tokenMix,
  topMovers,
  unpricedModels,
  updateAlertRule,
  updateBudget,
  userActivity,
  validateAlertRuleInput,
  validateBudgetInput,
  zeroMetrics,
} from "./analytics/index.ts";
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
export type { ColumnTypes, Params } from "./sql.ts";
export { execute, insertRows, queryColumns, queryRows } from "./sql.ts";
export { createClickHouse } from "./store.ts";
export type { Store } from "./store-types.ts";
export type { SqlTarget } from "./template.ts";
export { renderSql, splitStatements } from "./template.ts";
export { fromChTime, toChTime } from "./time.ts";
