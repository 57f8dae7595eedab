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
import type { UsageReport } from "./usage.ts";

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

/** Why a generation reported no usage, as its status tells it. */
function missingUsageCause(status: Generation["status"]): string {
  if (status === "aborted") return "aborted before the provider sent usage";
  if (status === "error") return "failed before the provider sent usage";
  return "the spans carry no token counts";
}

/** The warning of a final generation whose spans reported no usage at all. */
export function noUsageWarning(status: Generation["status"]): string {
  return `no token usage reported (${missingUsageCause(status)}): cost unknown`;
}

/** The warning of a generation priced from the provider calls that reported usage, not all of them. */
export function partialUsageWarning(status: Generation["status"], missing: number, calls: number): string {
  return `no token usage reported for ${missing} of ${calls} provider calls (${missingUsageCause(status)}): the cost counts only the calls that reported usage, the real cost is higher`;
}

function warn(generation: Generation, warning: string): void {
  if (!generation.warnings.includes(warning)) generation.warnings.push(warning);
}

/** Taken when the caller cannot tell: the usage is read as measured. */
const MEASURED: UsageReport = { reported: true, calls: 0, callsWithoutUsage: 0 };

/**
 * Sets `cost`, `priceEntry` and `unpriced`:
 * 1. the span's `genledger.cost.*` when present (the price of the moment of the call);
 * 2. a cache hit without cost attributes costs nothing (no provider call was made);
 * 3. no usage reported at all (`usage.reported` false: a stream aborted before the provider sent
 *    usage, an emitter without token counts): `cost` null, `unpriced` true and a warning. The
 *    provider probably billed something; zero tokens are not a measurement, so never 0. Usage
 *    reported as 0 is a measurement and is priced (at 0);
 * 4. otherwise `pricer` at the generation's start time, trying the responded model (it names the
 *    snapshot) and then the requested one. No price: `cost` null and `unpriced` true, never 0.
 *    Priced from some provider calls only (the others reported no usage): a warning says the
 *    cost is a lower bound.
 * Pending records carry no cost. Without `usage`, the record's usage is taken as measured.
 */
export function applyCost(
  generation: Generation,
  attrs: Attributes,
  pricer: Pricer,
  notes: IngestNotes,
  usage: UsageReport = MEASURED,
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
  if (!usage.reported) {
    generation.cost = null;
    generation.unpriced = true;
    generation.priceEntry = "";
    warn(generation, noUsageWarning(generation.status));
    // An abort before usage is ordinary; a complete call without counts is an emitter to fix.
    if (generation.status === "complete") {
      notes.note(`generation ${generation.id}: no token usage attributes; stored with cost unknown`);
    }
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
      if (usage.callsWithoutUsage > 0) {
        warn(generation, partialUsageWarning(generation.status, usage.callsWithoutUsage, usage.calls));
      }
      return;
    }
  }
  generation.cost = null;
  generation.unpriced = true;
  generation.priceEntry = "";
}
