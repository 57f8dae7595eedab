import { anthropicPrices } from "./catalog-anthropic.ts";
import { deepseekPrices } from "./catalog-deepseek.ts";
import { googlePrices } from "./catalog-google.ts";
import { openWeightPrices } from "./catalog-open-weight.ts";
import { openaiPrices } from "./catalog-openai.ts";
import { openaiMediaPrices } from "./catalog-openai-media.ts";
import { mistralPrices, xaiPrices } from "./catalog-xai-mistral.ts";
import type { PriceEntry } from "./schema.ts";

/**
 * The built-in price catalog as data: providers' published list prices (standard tier, no batch
 * or priority discounts). A price change is a new entry with a later `effectiveFrom`, never an
 * edit of an old one, so that past generations keep the price they were made at.
 */
export const builtInPriceEntries: readonly PriceEntry[] = [
  ...openaiPrices,
  ...openaiMediaPrices,
  ...anthropicPrices,
  ...googlePrices,
  ...xaiPrices,
  ...mistralPrices,
  ...deepseekPrices,
  ...openWeightPrices,
];
