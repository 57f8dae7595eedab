// The analytics surface (costs, budgets, alerts, abuse, reprice), re-exported by the package index.
export type { AbuseOptions, AbuseScore, AbuseSignal, AbuseSignalKind, UserActivity } from "./abuse.ts";
export { ABUSE_SIGNALS, scoreAbuse } from "./abuse.ts";
export type { AlertFiring, DeliveryStatus, FiringFilter } from "./alert-firings.ts";
export { lastFiredByKey, listFirings, newFiringId, recordFiring } from "./alert-firings.ts";
export type { AlertKind, AlertParams, AlertRule, AlertRuleInput } from "./alert-rules.ts";
export {
  ALERT_KINDS,
  ALERT_PARAM_DEFAULTS,
  createAlertRule,
  DEFAULT_COOLDOWN_SECONDS,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  ruleParam,
  updateAlertRule,
  validateAlertRuleInput,
} from "./alert-rules.ts";
export { ANALYTICS_ROLLUPS, rebuildAnalyticsRollups } from "./analytics-rollups.ts";
export type {
  Budget,
  BudgetEnforcement,
  BudgetInput,
  BudgetPeriod,
  BudgetScope,
  BudgetStatus,
  GuardBudget,
} from "./budget.ts";
export {
  BUDGET_ENFORCEMENTS,
  BUDGET_PERIODS,
  BUDGET_SCOPES,
  budgetPeriodBounds,
  budgetStatus,
  DEFAULT_BUDGET_THRESHOLDS,
  toGuardBudgets,
  validateBudgetInput,
} from "./budget.ts";
export { budgetSpend, budgetStatuses } from "./budget-spend.ts";
export { createBudget, deleteBudget, getBudget, listBudgets, updateBudget } from "./budget-store.ts";
export type { CostMetricsJson } from "./cost-export.ts";
export { COST_CSV_COLUMNS, costReportJson, costRowsCsv, csvCell, nanosToUsdString } from "./cost-export.ts";
export {
  COST_RANGES,
  CostParamError,
  costQueryParams,
  defaultGranularity,
  parseCostQuery,
} from "./cost-params.ts";
export {
  addMetrics,
  alignRange,
  bucketList,
  bucketStart,
  chartSeries,
  label,
  OTHER_GROUP,
  previousRange,
  tokenMix,
  topMovers,
  zeroMetrics,
} from "./cost-shape.ts";
export type {
  CostDimension,
  CostFilter,
  CostGroup,
  CostMetrics,
  CostQuery,
  CostReport,
  CostRow,
  Granularity,
  TokenMix,
  UnpricedModel,
} from "./cost-types.ts";
export { COST_DIMENSIONS, GRANULARITIES } from "./cost-types.ts";
export { costReport } from "./costs.ts";
export type { ErrorCounts, ErrorRateOptions, ErrorRateVerdict } from "./error-rate.ts";
export { DEFAULT_ERROR_RATE_OPTIONS, detectErrorRateSpike } from "./error-rate.ts";
export type { RepriceInput, RepriceResult } from "./reprice.ts";
export { repriceGenerations } from "./reprice.ts";
export type { RepriceAuditEntry } from "./reprice-audit.ts";
export { listRepriceAudit } from "./reprice-audit.ts";
export type { AbuseReport, TimeWindow } from "./signals.ts";
export {
  abuseReport,
  dataSince,
  errorCountsInWindows,
  spendInWindows,
  unpricedModels,
  userActivity,
} from "./signals.ts";
export type { ResolvedSpikeOptions, SpikeOptions, SpikeVerdict, SpikeWindow } from "./spike.ts";
export { DEFAULT_SPIKE_OPTIONS, detectSpike, medianBig, resolveSpikeOptions, spikeWindows } from "./spike.ts";
export type { AnalyticsStore } from "./sql.ts";
