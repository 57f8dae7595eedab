import type { Usage } from "@genledger/core";
import type { DecodedSpan } from "../otlp/types.ts";
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
