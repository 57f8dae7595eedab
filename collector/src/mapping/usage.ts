import { ATTR, type Generation, type Usage } from "@genledger/core";
import type { Attributes, DecodedSpan } from "../otlp/types.ts";
import { type MapContext, tokenCount } from "./common.ts";

/** Attribute keys for each usage field, most specific first. */
export type UsageKeys = Readonly<Record<Exclude<keyof Usage, "images">, readonly string[]>>;

/** GenAI semantic conventions (current and older names) and the AI SDK 7 `usage: true` extras. */
export const GENAI_USAGE_KEYS: UsageKeys = {
  inputTokens: ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"],
  outputTokens: ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"],
  cacheReadTokens: [
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "ai.usage.inputTokenDetails.cacheReadTokens",
  ],
  cacheWriteTokens: [
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
    "ai.usage.inputTokenDetails.cacheWriteTokens",
  ],
  reasoningTokens: ["ai.usage.outputTokenDetails.reasoningTokens", "gen_ai.usage.reasoning_tokens"],
};

/** AI SDK 5/6 `ai.usage.*` (v5 names first, then the v4 prompt/completion names and embeddings). */
export const LEGACY_USAGE_KEYS: UsageKeys = {
  inputTokens: [
    "ai.usage.inputTokens",
    "ai.usage.promptTokens",
    "ai.usage.tokens",
    "gen_ai.usage.input_tokens",
  ],
  outputTokens: ["ai.usage.outputTokens", "ai.usage.completionTokens", "gen_ai.usage.output_tokens"],
  cacheReadTokens: ["ai.usage.inputTokenDetails.cacheReadTokens", "ai.usage.cachedInputTokens"],
  cacheWriteTokens: ["ai.usage.inputTokenDetails.cacheWriteTokens"],
  reasoningTokens: ["ai.usage.outputTokenDetails.reasoningTokens", "ai.usage.reasoningTokens"],
};

const FIELDS = [
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "reasoningTokens",
] as const;

/** The usage fields present on one span (absent fields are left out). */
export function readUsage(span: DecodedSpan, keys: UsageKeys, ctx: MapContext): Partial<Usage> {
  const usage: Partial<Usage> = {};
  for (const field of FIELDS) {
    const value = tokenCount(span.attributes, keys[field], span, ctx);
    if (value !== undefined) usage[field] = value;
  }
  return usage;
}

/** True when the span reports input or output tokens. */
export function hasUsage(usage: Partial<Usage>): boolean {
  return usage.inputTokens !== undefined || usage.outputTokens !== undefined;
}

/**
 * What a generation's spans said about its usage. The record's usage fields default to 0, so
 * without this an abort before the provider sent usage would look like a call that used nothing.
 */
export interface UsageReport {
  /** Some span reported input, output or image counts: the usage is a measurement, even when 0. */
  reported: boolean;
  /** Provider calls whose usage was summed (0 when the root reported the total). */
  calls: number;
  /** Of those, the calls that reported no usage: the sum leaves them out. */
  callsWithoutUsage: number;
}

/** A builder's record with what its spans said about usage (for pricing). */
export interface BuiltGeneration {
  generation: Generation;
  usage: UsageReport;
}

/**
 * Fills `total` from the root's usage when it reports input or output tokens, else from the sum
 * of its provider `calls`, and says what was reported. `genledger` counts images (set by the
 * instrumentation for image generations) as reported usage too.
 */
export function collectUsage(
  total: Usage,
  root: DecodedSpan,
  calls: readonly DecodedSpan[],
  keys: UsageKeys,
  genledger: Attributes,
  ctx: MapContext,
): UsageReport {
  const images = genledger[ATTR.images] !== undefined && genledger[ATTR.images] !== null;
  const rootUsage = readUsage(root, keys, ctx);
  if (hasUsage(rootUsage)) {
    setUsage(total, rootUsage);
    return { reported: true, calls: 0, callsWithoutUsage: 0 };
  }
  let without = 0;
  for (const call of calls) {
    const part = readUsage(call, keys, ctx);
    if (!hasUsage(part)) without++;
    addUsage(total, part);
  }
  return {
    reported: images || without < calls.length,
    calls: calls.length,
    callsWithoutUsage: without,
  };
}

/** Adds `part` into `total`, field by field. */
export function addUsage(total: Usage, part: Partial<Usage>): void {
  for (const field of FIELDS) total[field] += part[field] ?? 0;
}

/** Sets the fields `part` has. */
export function setUsage(total: Usage, part: Partial<Usage>): void {
  for (const field of FIELDS) {
    const value = part[field];
    if (value !== undefined) total[field] = value;
  }
}
