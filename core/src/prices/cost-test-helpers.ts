import { expect } from "vitest";
import type { TokenUsage } from "./cost.ts";
import { priceGeneration } from "./price-generation.ts";

// Shared by the hand-checked cost tests. A price of $P per million tokens is P * 1000 nano-dollars
// per token, so every expected part in those tests is tokens x (P * 1000).

/** A cost with every part at zero, to spread the non-zero parts over. */
export const zeroParts = {
  inputNanos: 0,
  outputNanos: 0,
  cacheReadNanos: 0,
  cacheWriteNanos: 0,
  reasoningNanos: 0,
  imageNanos: 0,
};

/** Prices a generation on the built-in catalog and fails the test when it is unpriced. */
export function price(provider: string, model: string, at: string, usage: TokenUsage) {
  const result = priceGeneration({ provider, model, at: new Date(at), usage });
  if (!result.priced) throw new Error(`expected a price, got: ${result.reason}`);
  expect(result.priceEntryId).toBe(result.cost.priceEntryId);
  return result.cost;
}
