// The prices module is not exported from @genledger/core's index yet; switch this import to
// "@genledger/core" once it is (the only place that reaches into core's folders).
import {
  createCatalog,
  type PriceCatalog,
  priceGeneration,
  type TokenUsage,
} from "../../core/src/prices/index.ts";
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
  return (input) => {
    try {
      const result = priceGeneration(input, getCatalog());
      if (!result.priced) return { kind: "unpriced", reason: result.reason };
      const c = result.cost;
      return {
        kind: "priced",
        totalNanos: c.totalNanos,
        inputNanos: c.inputNanos,
        outputNanos: c.outputNanos,
        cacheReadNanos: c.cacheReadNanos,
        cacheWriteNanos: c.cacheWriteNanos,
        reasoningNanos: c.reasoningNanos,
        imageNanos: c.imageNanos,
        priceEntry: result.priceEntryId,
      };
    } catch (error) {
      // Usage the catalog cannot price (inconsistent counts) is unpriced, never a silent zero.
      return { kind: "unpriced", reason: errorMessage(error) };
    }
  };
}
