import {
  ATTR,
  type Cost,
  type CreateCatalogOptions,
  createCatalog,
  type Generation,
  type PriceGenerationInput,
  type PricingResult,
  priceGeneration,
  toRecordCost,
} from "@genledger/core";
import type { Attributes } from "../otlp/types.ts";
import { readNumber, readString } from "./attributes.ts";
import type { IngestNotes } from "./notes.ts";

/** Prices one generation; `priceGeneration` over the deployment's catalog in production. */
export type Pricer = (input: PriceGenerationInput) => PricingResult;

/** The built-in catalog only (tests, benchmarks). */
export const defaultPricer: Pricer = (input) => priceGeneration(input);

/**
 * The deployment's catalog: built-in prices plus the overrides of `GENLEDGER_PRICES_FILE`, read
 * once now (a bad file throws, so a service fails at start rather than pricing wrongly).
 */
export function catalogPricer(options: CreateCatalogOptions = {}): Pricer {
  const catalog = createCatalog(options);
  return (input) => priceGeneration(input, catalog);
}

function nanos(attrs: Attributes, key: string): number | undefined {
  const value = readNumber(attrs, key);
  return value !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The cost the instrumentation computed at call time (`genledger.cost.*`), if it is usable. */
function spanCost(attrs: Attributes): Cost | undefined {
  const total = nanos(attrs, ATTR.costTotal);
  if (total === undefined) return undefined;
  return {
    total,
    input: nanos(attrs, ATTR.costInput) ?? 0,
    output: nanos(attrs, ATTR.costOutput) ?? 0,
    cacheRead: nanos(attrs, ATTR.costCacheRead) ?? 0,
    cacheWrite: nanos(attrs, ATTR.costCacheWrite) ?? 0,
    reasoning: nanos(attrs, ATTR.costReasoning) ?? 0,
    image: nanos(attrs, ATTR.costImage) ?? 0,
  };
}

/**
 * Sets `cost`, `priceEntry` and `unpriced`:
 * 1. the span's `genledger.cost.*` when present (the price of the moment of the call);
 * 2. a cache hit without cost attributes costs nothing (no provider call was made);
 * 3. otherwise `pricer` at the generation's start time, trying the responded model (it names the
 *    snapshot) and then the requested one. No price: `cost` null and `unpriced` true, never 0.
 * Pending records carry no cost.
 */
export function applyCost(
  generation: Generation,
  attrs: Attributes,
  pricer: Pricer,
  notes: IngestNotes,
): void {
  if (generation.status === "pending") return;
  const fromSpan = spanCost(attrs);
  if (fromSpan !== undefined) {
    generation.cost = fromSpan;
    generation.unpriced = false;
    generation.priceEntry = (readString(attrs, ATTR.priceEntry) ?? "").slice(0, 256);
    return;
  }
  if (generation.cacheHit) {
    generation.cost = { total: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, image: 0 };
    generation.unpriced = false;
    generation.priceEntry = (readString(attrs, ATTR.priceEntry) ?? "").slice(0, 256);
    return;
  }
  const models = [...new Set([generation.responseModel, generation.model].filter((model) => model !== ""))];
  for (const model of models) {
    let result: PricingResult;
    try {
      result = pricer({
        provider: generation.provider,
        model,
        at: generation.startedAt,
        usage: generation.usage,
      });
    } catch (error) {
      notes.note(
        `generation ${generation.id}: cannot be priced (${(error as Error).message}); stored as unpriced`,
      );
      break;
    }
    if (result.priced) {
      generation.cost = toRecordCost(result.cost);
      generation.unpriced = false;
      generation.priceEntry = result.priceEntryId.slice(0, 256);
      return;
    }
  }
  generation.cost = null;
  generation.unpriced = true;
  generation.priceEntry = "";
}
