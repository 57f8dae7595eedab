import type { PriceEntry } from "./schema.ts";

const xaiSource = "https://docs.x.ai/docs/models";
const mistralSource = "https://mistral.ai/pricing#api-pricing";

/**
 * xAI list prices, USD per million tokens; reasoning tokens are billed as output. Grok 4 and
 * Grok 4 Fast charge higher rates for the whole request above 128k input tokens.
 */
export const xaiPrices: readonly PriceEntry[] = [
  {
    id: "xai/grok-4@2025-07-09",
    provider: "xai",
    match: ["grok-4"],
    input: "3.00",
    output: "15.00",
    cacheRead: "0.75",
    tiers: [{ aboveInputTokens: 128_000, input: "6.00", output: "30.00", cacheRead: "1.50" }],
    effectiveFrom: "2025-07-09",
    sourceUrl: xaiSource,
  },
  {
    id: "xai/grok-4-fast@2025-09-19",
    provider: "xai",
    match: ["grok-4-fast", "grok-4-fast-reasoning", "grok-4-fast-non-reasoning"],
    input: "0.20",
    output: "0.50",
    cacheRead: "0.05",
    tiers: [{ aboveInputTokens: 128_000, input: "0.40", output: "1.00" }],
    effectiveFrom: "2025-09-19",
    sourceUrl: xaiSource,
  },
  {
    id: "xai/grok-code-fast-1@2025-08-28",
    provider: "xai",
    match: ["grok-code-fast-1", "grok-code-fast"],
    input: "0.20",
    output: "1.50",
    cacheRead: "0.02",
    effectiveFrom: "2025-08-28",
    sourceUrl: xaiSource,
  },
  {
    id: "xai/grok-3@2025-04-09",
    provider: "xai",
    match: ["grok-3"],
    input: "3.00",
    output: "15.00",
    cacheRead: "0.75",
    effectiveFrom: "2025-04-09",
    sourceUrl: xaiSource,
  },
  {
    id: "xai/grok-3-mini@2025-04-09",
    provider: "xai",
    match: ["grok-3-mini"],
    input: "0.30",
    output: "0.50",
    cacheRead: "0.075",
    effectiveFrom: "2025-04-09",
    sourceUrl: xaiSource,
  },
  {
    id: "xai/grok-2-image@2025-03-19",
    provider: "xai",
    kind: "image",
    match: ["grok-2-image"],
    perImage: "0.07",
    effectiveFrom: "2025-03-19",
    sourceUrl: xaiSource,
  },
];

/** Mistral AI list prices, USD per million tokens. "-latest" aliases take the family price. */
export const mistralPrices: readonly PriceEntry[] = [
  {
    id: "mistral/mistral-large@2024-11-18",
    provider: "mistral",
    match: ["mistral-large"],
    input: "2.00",
    output: "6.00",
    effectiveFrom: "2024-11-18",
    sourceUrl: mistralSource,
    note: "Mistral Large 2.1 (2411); a newer mistral-large-latest may be priced differently.",
  },
  {
    id: "mistral/mistral-medium@2025-05-07",
    provider: "mistral",
    match: ["mistral-medium"],
    input: "0.40",
    output: "2.00",
    effectiveFrom: "2025-05-07",
    sourceUrl: mistralSource,
  },
  {
    id: "mistral/mistral-small@2025-01-30",
    provider: "mistral",
    match: ["mistral-small"],
    input: "0.10",
    output: "0.30",
    effectiveFrom: "2025-01-30",
    sourceUrl: mistralSource,
  },
  {
    id: "mistral/codestral@2025-01-13",
    provider: "mistral",
    match: ["codestral"],
    input: "0.30",
    output: "0.90",
    effectiveFrom: "2025-01-13",
    sourceUrl: mistralSource,
  },
  {
    id: "mistral/magistral-medium@2025-06-10",
    provider: "mistral",
    match: ["magistral-medium"],
    input: "2.00",
    output: "5.00",
    effectiveFrom: "2025-06-10",
    sourceUrl: mistralSource,
  },
  {
    id: "mistral/magistral-small@2025-06-10",
    provider: "mistral",
    match: ["magistral-small"],
    input: "0.50",
    output: "1.50",
    effectiveFrom: "2025-06-10",
    sourceUrl: mistralSource,
  },
  {
    id: "mistral/mistral-embed@2023-12-11",
    provider: "mistral",
    kind: "embedding",
    match: ["mistral-embed"],
    input: "0.10",
    effectiveFrom: "2023-12-11",
    sourceUrl: mistralSource,
  },
];
