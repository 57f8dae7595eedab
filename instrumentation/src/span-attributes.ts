import { ATTR, type Operation } from "@genledger/core";
import type { Attributes } from "@opentelemetry/api";
import type { CacheFacts, CallState } from "./call-state.ts";
import type { CostOutcome } from "./pricing.ts";

/** Token counts in the shape the price catalog takes. */
export interface TokenCounts {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  images?: number;
}

const OPERATIONS: Record<string, Operation> = {
  "ai.generateText": "generateText",
  "ai.streamText": "streamText",
  "ai.generateObject": "generateObject",
  "ai.streamObject": "streamObject",
  "ai.embed": "embed",
  "ai.embedMany": "embedMany",
};

/** The genledger operation of an AI SDK operation id (`ai.streamText` -> `streamText`). */
export function operationOf(operationId: unknown): Operation {
  return (typeof operationId === "string" && OPERATIONS[operationId]) || "unknown";
}

const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;

/**
 * Token counts from an AI SDK usage object (`LanguageModelUsage`, or `{ tokens }` of embeddings);
 * undefined when the provider reported none.
 */
export function tokenCounts(usage: unknown): TokenCounts | undefined {
  if (!usage || typeof usage !== "object") return undefined;
  const u = usage as Record<string, unknown> & {
    inputTokenDetails?: Record<string, unknown>;
    outputTokenDetails?: Record<string, unknown>;
  };
  if ("tokens" in u) {
    const tokens = count(u.tokens);
    return tokens === undefined ? undefined : { inputTokens: tokens };
  }
  const counts: TokenCounts = {
    inputTokens: count(u.inputTokens),
    outputTokens: count(u.outputTokens),
    cacheReadTokens: count(u.inputTokenDetails?.cacheReadTokens ?? u.cachedInputTokens),
    cacheWriteTokens: count(u.inputTokenDetails?.cacheWriteTokens),
    reasoningTokens: count(u.outputTokenDetails?.reasoningTokens ?? u.reasoningTokens),
  };
  if (counts.inputTokens === undefined && counts.outputTokens === undefined) return undefined;
  return counts;
}

/** Who and what: set on the generation span when it starts, and on the pending marker. */
export function identityAttributes(state: CallState): Attributes {
  const attrs: Attributes = {
    [ATTR.generationId]: state.id,
    [ATTR.operation]: state.operation,
    [ATTR.provider]: state.provider,
    [ATTR.model]: state.modelId,
  };
  if (state.userId) attrs[ATTR.userId] = state.userId;
  if (state.sessionId) attrs[ATTR.sessionId] = state.sessionId;
  if (state.functionId) attrs[ATTR.functionId] = state.functionId;
  if (state.tags && state.tags.length > 0) attrs[ATTR.tags] = state.tags;
  for (const [key, value] of Object.entries(state.metadata ?? {}))
    attrs[`${ATTR.metadataPrefix}${key}`] = value;
  return attrs;
}

/**
 * Cost attributes. Unpriced: the flag and no amounts (never a 0 that would read as free). A cache
 * hit costs 0 and records what the original cost as saved.
 */
export function costAttributes(outcome: CostOutcome, cache: CacheFacts | undefined): Attributes {
  const attrs: Attributes = {};
  if (cache) {
    attrs[ATTR.cacheHit] = true;
    if (cache.sourceId) attrs[ATTR.cacheSourceId] = cache.sourceId;
    if (cache.savedNanos !== undefined) attrs[ATTR.cacheSavedNanos] = cache.savedNanos;
    for (const key of [
      ATTR.costTotal,
      ATTR.costInput,
      ATTR.costOutput,
      ATTR.costCacheRead,
      ATTR.costCacheWrite,
    ]) {
      attrs[key] = 0;
    }
    for (const key of [ATTR.costReasoning, ATTR.costImage]) attrs[key] = 0;
    if (outcome.kind === "priced") attrs[ATTR.priceEntry] = outcome.priceEntry;
    return attrs;
  }
  if (outcome.kind === "unpriced") {
    attrs[ATTR.unpriced] = true;
    return attrs;
  }
  if (outcome.kind === "priced") {
    attrs[ATTR.costTotal] = outcome.totalNanos;
    attrs[ATTR.costInput] = outcome.inputNanos;
    attrs[ATTR.costOutput] = outcome.outputNanos;
    attrs[ATTR.costCacheRead] = outcome.cacheReadNanos;
    attrs[ATTR.costCacheWrite] = outcome.cacheWriteNanos;
    attrs[ATTR.costReasoning] = outcome.reasoningNanos;
    attrs[ATTR.costImage] = outcome.imageNanos;
    attrs[ATTR.priceEntry] = outcome.priceEntry;
  }
  return attrs;
}

/** One line per warning the SDK or a provider reported (`genledger.warnings`). */
export function warningLines(warnings: unknown): string[] {
  if (!Array.isArray(warnings)) return [];
  const lines: string[] = [];
  for (const w of warnings) {
    if (!w || typeof w !== "object") continue;
    const { type, message, feature, setting, details } = w as Record<string, unknown>;
    const what = [message, feature, setting, details]
      .filter((x) => typeof x === "string" && x !== "")
      .join(": ");
    lines.push(`${typeof type === "string" ? type : "warning"}${what ? `: ${what}` : ""}`);
  }
  return lines;
}

/**
 * Token counts from a provider-level (V4) usage object, as middleware sees it:
 * `{ inputTokens: { total, cacheRead, cacheWrite }, outputTokens: { total, reasoning } }`.
 */
export function providerTokenCounts(usage: unknown): TokenCounts | undefined {
  if (!usage || typeof usage !== "object") return undefined;
  const u = usage as { inputTokens?: Record<string, unknown>; outputTokens?: Record<string, unknown> };
  const counts: TokenCounts = {
    inputTokens: count(u.inputTokens?.total),
    outputTokens: count(u.outputTokens?.total),
    cacheReadTokens: count(u.inputTokens?.cacheRead),
    cacheWriteTokens: count(u.inputTokens?.cacheWrite),
    reasoningTokens: count(u.outputTokens?.reasoning),
  };
  if (counts.inputTokens === undefined && counts.outputTokens === undefined) return undefined;
  return counts;
}
