export type { AlertSources, Candidate, LinkFn } from "./checks.ts";
export {
  checkAbuse,
  checkBudgets,
  checkCostSpike,
  checkErrorRate,
  checkUnpriced,
  linkBuilder,
} from "./checks.ts";
export { budgetCounterKey, DEFAULT_COUNTER_PREFIX, reconcileBudgetCounters } from "./counters.ts";
export type { AlertEvaluator, AlertEvaluatorOptions, EvaluationReport } from "./evaluator.ts";
export { createAlertEvaluator, firingEvent } from "./evaluator.ts";
export type { LeaderLock, LeaderLockOptions } from "./leader.ts";
export { createLeaderLock, LEADER_KEY } from "./leader.ts";
export { clickhouseSources } from "./sources.ts";
export type { AlertEvent, AlertSeverity, FetchLike, WebhookTarget } from "./types.ts";
export type { DeliveryOptions, DeliveryResult } from "./webhooks.ts";
export { deliverWebhook, jsonPayload, slackPayload, webhookTarget } from "./webhooks.ts";
