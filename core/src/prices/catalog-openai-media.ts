import type { PriceEntry } from "./schema.ts";

const source = "https://openai.com/api/pricing/";
const servedBy = ["azure"];

/** OpenAI embedding prices (USD per million input tokens) and image prices (USD per image). */
export const openaiMediaPrices: readonly PriceEntry[] = [
  {
    id: "openai/text-embedding-3-small@2024-01-25",
    provider: "openai",
    servedBy,
    kind: "embedding",
    match: ["text-embedding-3-small"],
    input: "0.02",
    effectiveFrom: "2024-01-25",
    sourceUrl: source,
  },
  {
    id: "openai/text-embedding-3-large@2024-01-25",
    provider: "openai",
    servedBy,
    kind: "embedding",
    match: ["text-embedding-3-large"],
    input: "0.13",
    effectiveFrom: "2024-01-25",
    sourceUrl: source,
  },
  {
    id: "openai/text-embedding-ada-002@2022-12-15",
    provider: "openai",
    servedBy,
    kind: "embedding",
    match: ["text-embedding-ada-002"],
    input: "0.10",
    effectiveFrom: "2022-12-15",
    sourceUrl: source,
  },
  {
    id: "openai/dall-e-3@2023-11-06",
    provider: "openai",
    servedBy,
    kind: "image",
    match: ["dall-e-3"],
    perImage: "0.04",
    perImageVariants: [
      { size: "1024x1024", quality: "standard", price: "0.04" },
      { size: "1024x1792", quality: "standard", price: "0.08" },
      { size: "1792x1024", quality: "standard", price: "0.08" },
      { quality: "hd", price: "0.08" },
      { size: "1024x1792", quality: "hd", price: "0.12" },
      { size: "1792x1024", quality: "hd", price: "0.12" },
    ],
    effectiveFrom: "2023-11-06",
    sourceUrl: source,
    note: "perImage is standard quality at 1024x1024, the API default.",
  },
  {
    id: "openai/gpt-image-1@2025-04-23",
    provider: "openai",
    servedBy,
    kind: "image",
    match: ["gpt-image-1"],
    perImageVariants: [
      { size: "1024x1024", quality: "low", price: "0.011" },
      { size: "1024x1536", quality: "low", price: "0.016" },
      { size: "1536x1024", quality: "low", price: "0.016" },
      { size: "1024x1024", quality: "medium", price: "0.042" },
      { size: "1024x1536", quality: "medium", price: "0.063" },
      { size: "1536x1024", quality: "medium", price: "0.063" },
      { size: "1024x1024", quality: "high", price: "0.167" },
      { size: "1024x1536", quality: "high", price: "0.25" },
      { size: "1536x1024", quality: "high", price: "0.25" },
    ],
    effectiveFrom: "2025-04-23",
    sourceUrl: source,
    note: "OpenAI bills gpt-image-1 by tokens; these are its published per-image estimates for the output image only. Without a known size and quality the image is unpriced.",
  },
];
