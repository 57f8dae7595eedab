import { z } from "zod";

const decimalUsd = z
  .string()
  .regex(
    /^\d{1,12}(?:\.\d{1,9})?$/,
    'expected a decimal USD string with at most 9 fraction digits like "2.50"',
  );

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/, {
    message: 'expected an ISO date like "2025-06-10" or "2025-09-05T16:00:00Z"',
    abort: true,
  })
  .refine((value) => !Number.isNaN(Date.parse(value)), "not a real calendar date");

const providerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case provider id like "openai" or "bedrock"');

const modelPattern = z
  .string()
  .regex(
    /^[a-z0-9*][a-z0-9._:@/*-]*$/,
    'expected a lower-case model name like "gpt-4o", "*" allowed as wildcard',
  );

/** Prices per million tokens (USD decimal strings) shared by an entry and its context tiers. */
const tokenPrices = {
  /** Uncached input tokens. */
  input: decimalUsd.optional(),
  /** Output tokens that are not reasoning. */
  output: decimalUsd.optional(),
  /** Input tokens served from the prompt cache; absent = billed as `input`. */
  cacheRead: decimalUsd.optional(),
  /** Input tokens written to the cache with the default (5-minute) lifetime; absent = `input`. */
  cacheWrite5m: decimalUsd.optional(),
  /** Input tokens written to a 1-hour cache; absent = `cacheWrite5m`. */
  cacheWrite1h: decimalUsd.optional(),
  /** Reasoning tokens, only where a provider prices them apart; absent = `output`. */
  reasoning: decimalUsd.optional(),
};

/**
 * A context tier: from `aboveInputTokens` (strictly above, counted on the TOTAL input including
 * cached tokens) these prices apply to the whole request. Omitted prices fall back to the entry's.
 */
export const priceTierSchema = z.strictObject({
  aboveInputTokens: z.int().positive(),
  ...tokenPrices,
});

/** A per-image price for one size and/or quality; the most specific matching variant wins. */
export const imageVariantSchema = z.strictObject({
  size: z.string().min(1).optional(),
  quality: z.string().min(1).optional(),
  price: decimalUsd,
});

/**
 * One price entry of the catalog. Prices are USD decimal strings per million tokens, `perImage`
 * per image. `match` holds model names: an exact name, a family name (which also matches its dated
 * snapshots like `-2024-08-06`, `-20250929`, `-0709`, `-latest`), or a glob with `*`.
 */
export const priceEntrySchema = z
  .strictObject({
    /** Stable id recorded with every cost, e.g. "openai/gpt-4o@2024-10-02". */
    id: z.string().min(1).max(200),
    /** The provider that bills at these prices (canonical id: openai, anthropic, google, bedrock...). */
    provider: providerId,
    /** Other providers that resell the model at the same list price (bedrock, vertex, azure). */
    servedBy: z.array(providerId).optional(),
    /** What the entry prices, for display: text generation, embeddings or images. */
    kind: z.enum(["text", "embedding", "image"]).optional(),
    match: z.array(modelPattern).min(1),
    ...tokenPrices,
    perImage: decimalUsd.optional(),
    perImageVariants: z.array(imageVariantSchema).optional(),
    tiers: z.array(priceTierSchema).optional(),
    /** From when (inclusive) these prices apply. */
    effectiveFrom: isoDate,
    /** Where the price was published. */
    sourceUrl: z.url().optional(),
    /** A human note: how an approximation was made, what is not modelled. */
    note: z.string().optional(),
  })
  .superRefine((entry, ctx) => {
    if (
      entry.input === undefined &&
      entry.output === undefined &&
      entry.perImage === undefined &&
      entry.perImageVariants === undefined
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["input"],
        message: "an entry needs at least one price: input, output, perImage or perImageVariants",
      });
    }
    const seen = new Set<number>();
    entry.tiers?.forEach((tier, index) => {
      if (seen.has(tier.aboveInputTokens)) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", index, "aboveInputTokens"],
          message: `duplicate tier threshold ${tier.aboveInputTokens}`,
        });
      }
      seen.add(tier.aboveInputTokens);
    });
  });

/** The JSON shape of an overrides file: an array of entries. */
export const priceEntriesSchema = z.array(priceEntrySchema);

/** A validated catalog entry (see {@link priceEntrySchema}). */
export type PriceEntry = z.infer<typeof priceEntrySchema>;
/** A context tier of an entry. */
export type PriceTier = z.infer<typeof priceTierSchema>;
/** A per-image price variant. */
export type ImageVariant = z.infer<typeof imageVariantSchema>;
