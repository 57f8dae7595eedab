import { builtInCatalog, lookupPrice, type PriceCatalog } from "./catalog.ts";
import { computeCost, type GenerationCost, type TokenUsage } from "./cost.ts";
import { PricingError } from "./errors.ts";

/** A generation to price. */
export interface PriceGenerationInput {
  /** Provider id as reported ("openai.chat", "amazon-bedrock"...). */
  readonly provider?: string | undefined;
  /** Model id as reported; prefer the responded model, it names the snapshot. */
  readonly model: string;
  /** When the generation started: the price effective then applies. */
  readonly at: Date;
  readonly usage: TokenUsage;
}

/** A priced generation, or an explicit "unpriced" with the reason: never a silent zero. */
export type PricingResult =
  | { readonly priced: true; readonly cost: GenerationCost; readonly priceEntryId: string }
  | { readonly priced: false; readonly reason: string };

/**
 * Prices one generation: finds the entry (see `lookupPrice`) and computes the exact cost. An
 * unknown model, or an image whose size/quality has no price, is unpriced with a reason.
 * The default catalog is the built-in one; a service should build its catalog once with
 * `createCatalog()` (which reads `GENLEDGER_PRICES_FILE`) and pass it.
 *
 * @throws PricingError naming the field for bad usage (negative or fractional counts, a part
 *   larger than its total) or a bad `at`
 * @example
 * const result = priceGeneration({ provider: "openai.chat", model: "gpt-4o", at: new Date(),
 *   usage: { inputTokens: 1000, outputTokens: 500 } });
 * if (result.priced) record(result.cost.totalNanos); else markUnpriced(result.reason);
 */
export function priceGeneration(
  input: PriceGenerationInput,
  catalog: PriceCatalog = builtInCatalog(),
): PricingResult {
  const found = lookupPrice(catalog, input);
  if (!found.found) return { priced: false, reason: found.reason };
  try {
    const cost = computeCost(found.entry, input.usage, { at: input.at });
    return { priced: true, cost, priceEntryId: found.entry.id };
  } catch (error) {
    // A known model without the one price this usage needs is unpriced, not an error of the caller.
    if (error instanceof PricingError && error.code === "missing-price") {
      return { priced: false, reason: error.message };
    }
    throw error;
  }
}
