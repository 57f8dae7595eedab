import { describe, expect, it } from "vitest";
import { price, zeroParts } from "./cost-test-helpers.ts";

// Hand-checked against published list prices; see cost-test-helpers.ts for the arithmetic.

describe("DeepSeek", () => {
  it("deepseek-chat cache hit, early 2025 prices", () => {
    // miss (10_000-6_000) x 270 = 1_080_000; hit 6000 x 70 = 420_000; out 1000 x 1100 = 1_100_000
    expect(
      price("deepseek.chat", "deepseek-chat", "2025-03-01", {
        inputTokens: 10_000,
        cacheReadTokens: 6_000,
        outputTokens: 1_000,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 1_080_000,
      cacheReadNanos: 420_000,
      outputNanos: 1_100_000,
      totalNanos: 2_600_000,
      priceEntryId: "deepseek/deepseek-chat@2025-02-08",
    });
  });

  it("deepseek-chat changes price at 16:00 UTC on 2025-09-05", () => {
    const usage = { inputTokens: 10_000, cacheReadTokens: 6_000, outputTokens: 1_000 };
    expect(price("deepseek", "deepseek-chat", "2025-09-05T15:59:59Z", usage).totalNanos).toBe(2_600_000);
    // 4000 x 560 = 2_240_000; 6000 x 70 = 420_000; 1000 x 1680 = 1_680_000
    expect(price("deepseek", "deepseek-chat", "2025-09-05T16:00:00Z", usage)).toMatchObject({
      totalNanos: 4_340_000,
      priceEntryId: "deepseek/deepseek-chat@2025-09-05",
    });
  });

  it("deepseek-reasoner after the V3.2 cut: cache hit and reasoning", () => {
    // 4000 x 280 = 1_120_000; 6000 x 28 ($0.028) = 168_000; (3000-2000) x 420 = 420_000; 2000 x 420 = 840_000
    expect(
      price("deepseek.chat", "deepseek-reasoner", "2025-10-01", {
        inputTokens: 10_000,
        cacheReadTokens: 6_000,
        outputTokens: 3_000,
        reasoningTokens: 2_000,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 1_120_000,
      cacheReadNanos: 168_000,
      outputNanos: 420_000,
      reasoningNanos: 840_000,
      totalNanos: 2_548_000,
      priceEntryId: "deepseek/deepseek-reasoner@2025-09-29",
    });
  });
});

describe("xAI, Mistral and open-weight hosts", () => {
  it("grok-4 above 128k input: the doubled tier", () => {
    // tier: in $6, read $1.50, out $30. 50_000 x 6000 = 300_000_000; 100_000 x 1500 = 150_000_000;
    // 1000 x 30_000 = 30_000_000
    expect(
      price("xai.chat", "grok-4-0709", "2025-08-01", {
        inputTokens: 150_000,
        cacheReadTokens: 100_000,
        outputTokens: 1_000,
      }),
    ).toMatchObject({
      inputNanos: 300_000_000,
      cacheReadNanos: 150_000_000,
      outputNanos: 30_000_000,
      totalNanos: 480_000_000,
      tierAboveInputTokens: 128_000,
    });
  });

  it('"-latest" aliases take the family price: mistral-large-latest', () => {
    // 1000 x 2000 + 1000 x 6000 = 8_000_000
    expect(
      price("mistral.chat", "mistral-large-latest", "2025-03-01", { inputTokens: 1000, outputTokens: 1000 }),
    ).toMatchObject({
      totalNanos: 8_000_000,
      priceEntryId: "mistral/mistral-large@2024-11-18",
    });
  });

  it('groq serving "openai/gpt-oss-120b" bills at Groq\'s price', () => {
    // 10_000 x 150 = 1_500_000; (2000-1500) x 600 = 300_000; 1500 x 600 = 900_000
    expect(
      price("groq.chat", "openai/gpt-oss-120b", "2025-10-01", {
        inputTokens: 10_000,
        outputTokens: 2_000,
        reasoningTokens: 1_500,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 1_500_000,
      outputNanos: 300_000,
      reasoningNanos: 900_000,
      totalNanos: 2_700_000,
      priceEntryId: "groq/gpt-oss-120b@2025-08-05",
    });
  });

  it("Llama 3.3 70B on Bedrock", () => {
    // 1_000_000 x 720 + 1_000_000 x 720 = 1_440_000_000
    expect(
      price("amazon-bedrock", "meta.llama3-3-70b-instruct-v1:0", "2025-03-01", {
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
      }),
    ).toMatchObject({ totalNanos: 1_440_000_000, priceEntryId: "bedrock/llama3-3-70b-instruct@2024-12-06" });
  });
});
