import {
  computeCost,
  createCatalog,
  lookupPrice,
  type PriceCatalog,
  type PriceLookupResult,
  type TokenUsage,
} from "@genledger/core";
import { errorMessage, type Logger } from "./log.ts";

/** Cost of one generation as the span records it. */
export type CostOutcome =
  | {
      kind: "priced";
      totalNanos: number;
      inputNanos: number;
      outputNanos: number;
      cacheReadNanos: number;
      cacheWriteNanos: number;
      reasoningNanos: number;
      imageNanos: number;
      priceEntry: string;
    }
  | { kind: "unpriced"; reason: string }
  /** No usage was reported: nothing to price, nothing claimed. */
  | { kind: "unknown" };

/** What a pricer needs to know about a generation. */
export interface PriceInput {
  provider: string;
  /** The model that answered when known (it names the snapshot), else the one asked for. */
  model: string;
  at: Date;
  usage: TokenUsage;
}

/** Prices generations with one catalog, built once. */
export type Pricer = (input: PriceInput) => CostOutcome;

/**
 * A pricer over the built-in catalog plus the overrides file. A bad overrides file is logged and
 * ignored: the process keeps list prices rather than stopping.
 */
export function createPricer(pricesFile: string | undefined, log: Logger): Pricer {
  let catalog: PriceCatalog | undefined;
  const getCatalog = () => {
    if (catalog) return catalog;
    try {
      catalog = createCatalog({ overridesFile: pricesFile ?? "" });
    } catch (error) {
      log.warn(`price overrides ignored, using built-in prices: ${errorMessage(error)}`);
      catalog = createCatalog({ overridesFile: "" });
    }
    return catalog;
  };
  // The lookup (normalizing ids, ranking entries) costs more than the arithmetic; a process prices
  // few distinct models, so keep the lookup per provider, model and hour.
  const lookups = new Map<string, Map<string, { hour: number; result: PriceLookupResult }>>();
  let cachedModels = 0;
  const lookup = (input: PriceInput): PriceLookupResult => {
    const hour = Math.floor(input.at.getTime() / 3_600_000);
    let models = lookups.get(input.provider);
    const cached = models?.get(input.model);
    if (cached && cached.hour === hour) return cached.result;
    const result = lookupPrice(getCatalog(), input);
    if (cachedModels >= 1_000) {
      lookups.clear();
      cachedModels = 0;
      models = undefined;
    }
    if (!models) {
      models = new Map();
      lookups.set(input.provider, models);
    }
    if (!models.has(input.model)) cachedModels++;
    models.set(input.model, { hour, result });
    return result;
  };
  return (input) => {
    try {
      const found = lookup(input);
      if (!found.found) return { kind: "unpriced", reason: found.reason };
      const c = computeCost(found.entry, input.usage, { at: input.at });
      return {
        kind: "priced",
        totalNanos: c.totalNanos,
        inputNanos: c.inputNanos,
        outputNanos: c.outputNanos,
        cacheReadNanos: c.cacheReadNanos,
        cacheWriteNanos: c.cacheWriteNanos,
        reasoningNanos: c.reasoningNanos,
        imageNanos: c.imageNanos,
        priceEntry: found.entry.id,
      };
    } catch (error) {
      // A price the entry lacks (an image size) or usage the catalog cannot price (inconsistent
      // counts) is unpriced, never a silent zero.
      return { kind: "unpriced", reason: errorMessage(error) };
    }
  };
}
