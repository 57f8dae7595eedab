import type { PriceEntry } from "./schema.ts";

const source = "https://api-docs.deepseek.com/quick_start/pricing";

/**
 * DeepSeek list prices, USD per million tokens: `input` is a cache miss, `cacheRead` a cache hit;
 * reasoner chain-of-thought is billed as output. The off-peak discounts DeepSeek ran until
 * 2025-09-05 are not modelled.
 */
export const deepseekPrices: readonly PriceEntry[] = [
  {
    id: "deepseek/deepseek-chat@2025-02-08",
    provider: "deepseek",
    match: ["deepseek-chat"],
    input: "0.27",
    cacheRead: "0.07",
    output: "1.10",
    effectiveFrom: "2025-02-08",
    sourceUrl: source,
  },
  {
    id: "deepseek/deepseek-reasoner@2025-01-20",
    provider: "deepseek",
    match: ["deepseek-reasoner"],
    input: "0.55",
    cacheRead: "0.14",
    output: "2.19",
    effectiveFrom: "2025-01-20",
    sourceUrl: source,
  },
  {
    id: "deepseek/deepseek-chat@2025-09-05",
    provider: "deepseek",
    match: ["deepseek-chat"],
    input: "0.56",
    cacheRead: "0.07",
    output: "1.68",
    effectiveFrom: "2025-09-05T16:00:00Z",
    sourceUrl: source,
    note: "DeepSeek-V3.1 pricing, one price for chat and reasoner.",
  },
  {
    id: "deepseek/deepseek-reasoner@2025-09-05",
    provider: "deepseek",
    match: ["deepseek-reasoner"],
    input: "0.56",
    cacheRead: "0.07",
    output: "1.68",
    effectiveFrom: "2025-09-05T16:00:00Z",
    sourceUrl: source,
    note: "DeepSeek-V3.1 pricing, one price for chat and reasoner.",
  },
  {
    id: "deepseek/deepseek-chat@2025-09-29",
    provider: "deepseek",
    match: ["deepseek-chat"],
    input: "0.28",
    cacheRead: "0.028",
    output: "0.42",
    effectiveFrom: "2025-09-29",
    sourceUrl: source,
    note: "DeepSeek-V3.2 pricing.",
  },
  {
    id: "deepseek/deepseek-reasoner@2025-09-29",
    provider: "deepseek",
    match: ["deepseek-reasoner"],
    input: "0.28",
    cacheRead: "0.028",
    output: "0.42",
    effectiveFrom: "2025-09-29",
    sourceUrl: source,
    note: "DeepSeek-V3.2 pricing.",
  },
];
