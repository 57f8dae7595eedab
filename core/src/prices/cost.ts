import type { Cost } from "../generation.ts";
import { divideHalfUp, parseUsdToNanos, TOKENS_PER_MILLION, tokenCostNanos } from "./decimal.ts";
import { PricingError } from "./errors.ts";
import type { ImageVariant, PriceEntry, PriceTier } from "./schema.ts";

/**
 * Token usage with AI SDK semantics: `inputTokens` is the TOTAL input (cache reads and writes
 * included), `outputTokens` the TOTAL output (reasoning included). Absent counts are 0.
 */
export interface TokenUsage {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  /** Part of `inputTokens` served from the prompt cache. */
  readonly cacheReadTokens?: number | undefined;
  /** Part of `inputTokens` written to the cache (all lifetimes). */
  readonly cacheWriteTokens?: number | undefined;
  /** Part of `cacheWriteTokens` written with a 1-hour lifetime. */
  readonly cacheWrite1hTokens?: number | undefined;
  /** Part of `outputTokens` spent reasoning. */
  readonly reasoningTokens?: number | undefined;
  /** Images generated. */
  readonly images?: number | undefined;
  /** Image size as the provider names it ("1024x1024"), to pick a per-image variant. */
  readonly imageSize?: string | undefined;
  /** Image quality as the provider names it ("hd", "high"), to pick a per-image variant. */
  readonly imageQuality?: string | undefined;
}

/** The cost of one generation in integer nano-dollars (1e-9 USD), with its parts. */
export interface GenerationCost {
  /** Sum of the parts below. */
  readonly totalNanos: number;
  /** Uncached input tokens. */
  readonly inputNanos: number;
  /** Output tokens that are not reasoning. */
  readonly outputNanos: number;
  readonly cacheReadNanos: number;
  /** Cache writes, 5-minute and 1-hour together. */
  readonly cacheWriteNanos: number;
  readonly reasoningNanos: number;
  readonly imageNanos: number;
  /** The catalog entry the prices came from. */
  readonly priceEntryId: string;
  /** The context tier applied (its `aboveInputTokens`), when one was. */
  readonly tierAboveInputTokens?: number;
}

/** Options of {@link computeCost}. */
export interface ComputeCostOptions {
  /** The generation's time; when given, an entry not yet effective then is refused. */
  readonly at?: Date | undefined;
}

interface ParsedPrices {
  readonly input: bigint | undefined;
  readonly output: bigint | undefined;
  readonly cacheRead: bigint | undefined;
  readonly cacheWrite5m: bigint | undefined;
  readonly cacheWrite1h: bigint | undefined;
  readonly reasoning: bigint | undefined;
}

const parsedCache = new WeakMap<object, ParsedPrices>();

function parsePrices(prices: PriceEntry | PriceTier, where: string): ParsedPrices {
  const cached = parsedCache.get(prices);
  if (cached) return cached;
  const parse = (value: string | undefined, name: string) =>
    value === undefined ? undefined : parseUsdToNanos(value, `${where}.${name}`);
  const parsed: ParsedPrices = {
    input: parse(prices.input, "input"),
    output: parse(prices.output, "output"),
    cacheRead: parse(prices.cacheRead, "cacheRead"),
    cacheWrite5m: parse(prices.cacheWrite5m, "cacheWrite5m"),
    cacheWrite1h: parse(prices.cacheWrite1h, "cacheWrite1h"),
    reasoning: parse(prices.reasoning, "reasoning"),
  };
  parsedCache.set(prices, parsed);
  return parsed;
}

function count(usage: TokenUsage, field: keyof TokenUsage): bigint {
  const value = usage[field];
  if (value === undefined) return 0n;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new PricingError(`usage.${field} must be a non-negative integer, got ${JSON.stringify(value)}`, {
      code: "invalid-input",
      field: `usage.${field}`,
    });
  }
  return BigInt(value);
}

function requireAtMost(part: bigint, partName: string, whole: bigint, wholeName: string): void {
  if (part > whole) {
    throw new PricingError(
      `usage.${partName} (${part}) exceeds usage.${wholeName} (${whole}); ${wholeName} is the total and includes it`,
      { code: "invalid-input", field: `usage.${partName}` },
    );
  }
}

function pickTier(entry: PriceEntry, inputTokens: bigint): PriceTier | undefined {
  let chosen: PriceTier | undefined;
  for (const tier of entry.tiers ?? []) {
    if (
      inputTokens > BigInt(tier.aboveInputTokens) &&
      tier.aboveInputTokens > (chosen?.aboveInputTokens ?? 0)
    ) {
      chosen = tier;
    }
  }
  return chosen;
}

function pickImagePrice(entry: PriceEntry, usage: TokenUsage): bigint {
  let best: { variant: ImageVariant; specificity: number } | undefined;
  for (const variant of entry.perImageVariants ?? []) {
    const sizeOk = variant.size === undefined || variant.size === usage.imageSize;
    const qualityOk = variant.quality === undefined || variant.quality === usage.imageQuality;
    if (!sizeOk || !qualityOk) continue;
    const specificity = Number(variant.size !== undefined) + Number(variant.quality !== undefined);
    if (!best || specificity > best.specificity) best = { variant, specificity };
  }
  if (best) return parseUsdToNanos(best.variant.price, `${entry.id}.perImageVariants`);
  if (entry.perImage !== undefined) return parseUsdToNanos(entry.perImage, `${entry.id}.perImage`);
  throw new PricingError(
    `${entry.id} has no per-image price for size ${usage.imageSize ?? "(unknown)"} and quality ${usage.imageQuality ?? "(unknown)"}`,
    { code: "missing-price", field: "usage.images" },
  );
}

function requirePrice(price: bigint | undefined, tokens: bigint, entry: PriceEntry, name: string): bigint {
  if (tokens === 0n) return 0n;
  if (price === undefined) {
    throw new PricingError(`${entry.id} has no ${name} price but the usage has ${name} tokens`, {
      code: "missing-price",
      field: `usage.${name}Tokens`,
    });
  }
  return price;
}

function toSafeNumber(value: bigint, part: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PricingError(`${part} of ${value} nano-dollars exceeds Number.MAX_SAFE_INTEGER`, {
      code: "invalid-input",
      field: part,
    });
  }
  return Number(value);
}

/**
 * Computes the exact cost of a generation from a price entry, in integer nano-dollars. Each part
 * is a bigint product rounded half up to a whole nano-dollar once; the total is the sum of the
 * rounded parts. A context tier is chosen by the TOTAL input tokens and applies to the whole
 * request. Missing prices fall back: cacheRead and cacheWrite5m to input, cacheWrite1h to
 * cacheWrite5m, reasoning to output.
 *
 * @throws PricingError naming the field when a count is negative, not an integer, or larger than
 *   the total that includes it, or when the entry lacks a price the usage needs
 * @example
 * computeCost(entry, { inputTokens: 1000, outputTokens: 500 }).totalNanos // 7_500_000 for gpt-4o
 */
export function computeCost(
  entry: PriceEntry,
  usage: TokenUsage,
  options: ComputeCostOptions = {},
): GenerationCost {
  if (options.at !== undefined && options.at.getTime() < Date.parse(entry.effectiveFrom)) {
    throw new PricingError(
      `price entry ${entry.id} is effective from ${entry.effectiveFrom}, not at ${options.at.toISOString()}`,
      { code: "invalid-input", field: "at" },
    );
  }
  const inputTokens = count(usage, "inputTokens");
  const outputTokens = count(usage, "outputTokens");
  const cacheRead = count(usage, "cacheReadTokens");
  const cacheWrite = count(usage, "cacheWriteTokens");
  const cacheWrite1h = count(usage, "cacheWrite1hTokens");
  const reasoning = count(usage, "reasoningTokens");
  const images = count(usage, "images");
  requireAtMost(cacheRead + cacheWrite, "cacheReadTokens + cacheWriteTokens", inputTokens, "inputTokens");
  requireAtMost(cacheWrite1h, "cacheWrite1hTokens", cacheWrite, "cacheWriteTokens");
  requireAtMost(reasoning, "reasoningTokens", outputTokens, "outputTokens");

  const base = parsePrices(entry, entry.id);
  const tier = pickTier(entry, inputTokens);
  const tierPrices = tier ? parsePrices(tier, `${entry.id}.tiers`) : undefined;
  const input = tierPrices?.input ?? base.input;
  const output = tierPrices?.output ?? base.output;
  const cacheReadPrice = tierPrices?.cacheRead ?? base.cacheRead ?? input;
  const write5mPrice = tierPrices?.cacheWrite5m ?? base.cacheWrite5m ?? input;
  const write1hPrice = tierPrices?.cacheWrite1h ?? base.cacheWrite1h ?? write5mPrice;
  const reasoningPrice = tierPrices?.reasoning ?? base.reasoning ?? output;

  const uncachedInput = inputTokens - cacheRead - cacheWrite;
  const write5m = cacheWrite - cacheWrite1h;
  const textOutput = outputTokens - reasoning;

  const inputNanos = tokenCostNanos(uncachedInput, requirePrice(input, uncachedInput, entry, "input"));
  const cacheReadNanos = tokenCostNanos(
    cacheRead,
    requirePrice(cacheReadPrice, cacheRead, entry, "cacheRead"),
  );
  // One rounding for the whole cache-write part, 5-minute and 1-hour together.
  const cacheWriteNanos = divideHalfUp(
    write5m * requirePrice(write5mPrice, write5m, entry, "cacheWrite") +
      cacheWrite1h * requirePrice(write1hPrice, cacheWrite1h, entry, "cacheWrite1h"),
    TOKENS_PER_MILLION,
  );
  const outputNanos = tokenCostNanos(textOutput, requirePrice(output, textOutput, entry, "output"));
  const reasoningNanos = tokenCostNanos(
    reasoning,
    requirePrice(reasoningPrice, reasoning, entry, "reasoning"),
  );
  const imageNanos = images === 0n ? 0n : images * pickImagePrice(entry, usage);
  const total = inputNanos + cacheReadNanos + cacheWriteNanos + outputNanos + reasoningNanos + imageNanos;

  const cost: GenerationCost = {
    totalNanos: toSafeNumber(total, "totalNanos"),
    inputNanos: toSafeNumber(inputNanos, "inputNanos"),
    outputNanos: toSafeNumber(outputNanos, "outputNanos"),
    cacheReadNanos: toSafeNumber(cacheReadNanos, "cacheReadNanos"),
    cacheWriteNanos: toSafeNumber(cacheWriteNanos, "cacheWriteNanos"),
    reasoningNanos: toSafeNumber(reasoningNanos, "reasoningNanos"),
    imageNanos: toSafeNumber(imageNanos, "imageNanos"),
    priceEntryId: entry.id,
  };
  return tier ? { ...cost, tierAboveInputTokens: tier.aboveInputTokens } : cost;
}

/**
 * Converts a computed cost to the generation record's `Cost` shape (`total`, `input`, ...); the
 * entry id goes to the record's `priceEntry` field.
 */
export function toRecordCost(cost: GenerationCost): Cost {
  return {
    total: cost.totalNanos,
    input: cost.inputNanos,
    output: cost.outputNanos,
    cacheRead: cost.cacheReadNanos,
    cacheWrite: cost.cacheWriteNanos,
    reasoning: cost.reasoningNanos,
    image: cost.imageNanos,
  };
}
