import { describe, expect, it } from "vitest";
import { price, zeroParts } from "./cost-test-helpers.ts";
import { priceGeneration } from "./price-generation.ts";

// Hand-checked against published list prices; see cost-test-helpers.ts for the arithmetic.

describe("OpenAI", () => {
  it("gpt-4o: plain input and output", () => {
    // 1000 x 2500 (in $2.50) = 2_500_000; 500 x 10_000 (out $10) = 5_000_000
    expect(price("openai.chat", "gpt-4o", "2025-01-01", { inputTokens: 1000, outputTokens: 500 })).toEqual({
      ...zeroParts,
      inputNanos: 2_500_000,
      outputNanos: 5_000_000,
      totalNanos: 7_500_000,
      priceEntryId: "openai/gpt-4o@2024-10-02",
    });
  });

  it("gpt-4o: cached input is billed at the cached price and not again as input", () => {
    // (10_000 - 4_000) x 2500 = 15_000_000; 4_000 x 1250 (cached $1.25) = 5_000_000; 200 x 10_000 = 2_000_000
    expect(
      price("openai.responses", "gpt-4o", "2025-01-01", {
        inputTokens: 10_000,
        cacheReadTokens: 4_000,
        outputTokens: 200,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 15_000_000,
      cacheReadNanos: 5_000_000,
      outputNanos: 2_000_000,
      totalNanos: 22_000_000,
      priceEntryId: "openai/gpt-4o@2024-10-02",
    });
  });

  it('gateway-style "openai/gpt-4o-mini" prices as gpt-4o-mini, never gpt-4o', () => {
    // 1234 x 150 ($0.15) = 185_100; 567 x 600 ($0.60) = 340_200
    expect(
      price("gateway", "openai/gpt-4o-mini", "2025-01-01", { inputTokens: 1234, outputTokens: 567 }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 185_100,
      outputNanos: 340_200,
      totalNanos: 525_300,
      priceEntryId: "openai/gpt-4o-mini@2024-07-18",
    });
  });

  it("a dated snapshot beats its family: gpt-4o-2024-08-06 cost $2.50 while the alias still cost $5", () => {
    // 1000 x 2500 = 2_500_000; 1000 x 10_000 = 10_000_000
    expect(
      price("openai.chat", "gpt-4o-2024-08-06", "2024-09-01", { inputTokens: 1000, outputTokens: 1000 }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 2_500_000,
      outputNanos: 10_000_000,
      totalNanos: 12_500_000,
      priceEntryId: "openai/gpt-4o-2024-08-06@2024-08-06",
    });
  });

  it("price change over time: the gpt-4o alias before and after 2024-10-02", () => {
    const usage = { inputTokens: 1000, outputTokens: 1000 };
    // before: 1000 x 5000 ($5) = 5_000_000; 1000 x 15_000 ($15) = 15_000_000
    expect(price("openai", "gpt-4o", "2024-10-01T23:59:59Z", usage)).toMatchObject({
      inputNanos: 5_000_000,
      outputNanos: 15_000_000,
      totalNanos: 20_000_000,
      priceEntryId: "openai/gpt-4o@2024-05-13",
    });
    // from the effective instant on (inclusive): 2_500_000 + 10_000_000
    expect(price("openai", "gpt-4o", "2024-10-02T00:00:00Z", usage)).toMatchObject({
      totalNanos: 12_500_000,
      priceEntryId: "openai/gpt-4o@2024-10-02",
    });
  });

  it("o3 before its 2025-06-10 price cut: reasoning billed as output", () => {
    // in 2000 x 10_000 ($10) = 20_000_000; text out (3000-2500) x 40_000 ($40) = 20_000_000;
    // reasoning 2500 x 40_000 = 100_000_000
    expect(
      price("openai.responses", "o3-2025-04-16", "2025-05-01", {
        inputTokens: 2000,
        outputTokens: 3000,
        reasoningTokens: 2500,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 20_000_000,
      outputNanos: 20_000_000,
      reasoningNanos: 100_000_000,
      totalNanos: 140_000_000,
      priceEntryId: "openai/o3@2025-04-16",
    });
  });

  it("o3 after its price cut", () => {
    // 2000 x 2000 ($2) = 4_000_000; 500 x 8000 ($8) = 4_000_000; 2500 x 8000 = 20_000_000
    expect(
      price("openai.responses", "o3", "2025-07-01", {
        inputTokens: 2000,
        outputTokens: 3000,
        reasoningTokens: 2500,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 4_000_000,
      outputNanos: 4_000_000,
      reasoningNanos: 20_000_000,
      totalNanos: 28_000_000,
      priceEntryId: "openai/o3@2025-06-10",
    });
  });

  it("o4-mini: cached input and reasoning together", () => {
    // (50_000-20_000) x 1100 = 33_000_000; 20_000 x 275 ($0.275) = 5_500_000;
    // (4000-3000) x 4400 = 4_400_000; 3000 x 4400 = 13_200_000
    expect(
      price("openai.responses", "o4-mini-2025-04-16", "2025-08-01", {
        inputTokens: 50_000,
        cacheReadTokens: 20_000,
        outputTokens: 4_000,
        reasoningTokens: 3_000,
      }),
    ).toEqual({
      inputNanos: 33_000_000,
      cacheReadNanos: 5_500_000,
      cacheWriteNanos: 0,
      outputNanos: 4_400_000,
      reasoningNanos: 13_200_000,
      imageNanos: 0,
      totalNanos: 56_100_000,
      priceEntryId: "openai/o4-mini@2025-04-16",
    });
  });

  it("gpt-5-nano: odd token counts at sub-dollar prices", () => {
    // 50_001 x 50 ($0.05) = 2_500_050; 50_000 x 5 ($0.005) = 250_000; 7 x 400 ($0.40) = 2_800
    expect(
      price("openai.responses", "gpt-5-nano-2025-08-07", "2025-09-01", {
        inputTokens: 100_001,
        cacheReadTokens: 50_000,
        outputTokens: 7,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 2_500_050,
      cacheReadNanos: 250_000,
      outputNanos: 2_800,
      totalNanos: 2_752_850,
      priceEntryId: "openai/gpt-5-nano@2025-08-07",
    });
  });

  it("embedding: text-embedding-3-small", () => {
    // 12_345 x 20 ($0.02) = 246_900
    expect(
      price("openai.embedding", "text-embedding-3-small", "2025-01-01", { inputTokens: 12_345 }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 246_900,
      totalNanos: 246_900,
      priceEntryId: "openai/text-embedding-3-small@2024-01-25",
    });
  });

  it("images: dall-e-3 per image, by size and quality", () => {
    // 2 x $0.12 (hd 1024x1792) = 240_000_000
    expect(
      price("openai.image", "dall-e-3", "2025-01-01", {
        images: 2,
        imageSize: "1024x1792",
        imageQuality: "hd",
      }),
    ).toEqual({
      ...zeroParts,
      imageNanos: 240_000_000,
      totalNanos: 240_000_000,
      priceEntryId: "openai/dall-e-3@2023-11-06",
    });
    // hd of unknown size: the hd variant, $0.08
    expect(
      price("openai.image", "dall-e-3", "2025-01-01", { images: 1, imageQuality: "hd" }).imageNanos,
    ).toBe(80_000_000);
    // nothing known: the default, standard 1024x1024 at $0.04
    expect(price("openai.image", "dall-e-3", "2025-01-01", { images: 1 }).imageNanos).toBe(40_000_000);
  });

  it("gpt-image-1 without a known quality is unpriced, not zero", () => {
    const result = priceGeneration({
      provider: "openai.image",
      model: "gpt-image-1",
      at: new Date("2025-06-01"),
      usage: { images: 1 },
    });
    expect(result).toEqual({ priced: false, reason: expect.stringContaining("no per-image price") });
    // 1 x $0.167 (high, 1024x1024) = 167_000_000
    const high = price("openai.image", "gpt-image-1", "2025-06-01", {
      images: 1,
      imageSize: "1024x1024",
      imageQuality: "high",
    });
    expect(high.imageNanos).toBe(167_000_000);
  });
});
