import { describe, expect, it } from "vitest";
import { price, zeroParts } from "./cost-test-helpers.ts";

// Hand-checked against published list prices; see cost-test-helpers.ts for the arithmetic.

describe("Anthropic", () => {
  it("claude-sonnet-4-5 dated snapshot: 5-minute cache write at 1.25x", () => {
    // (12_000-10_000) x 3000 = 6_000_000; 10_000 x 3750 ($3.75) = 37_500_000; 800 x 15_000 = 12_000_000
    expect(
      price("anthropic.messages", "claude-sonnet-4-5-20250929", "2025-10-01", {
        inputTokens: 12_000,
        cacheWriteTokens: 10_000,
        outputTokens: 800,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 6_000_000,
      cacheWriteNanos: 37_500_000,
      outputNanos: 12_000_000,
      totalNanos: 55_500_000,
      priceEntryId: "anthropic/claude-sonnet-4-5@2025-09-29",
    });
  });

  it("claude-opus-4-1: 1-hour cache write at 2x, 5-minute at 1.25x, cache read at 0.1x", () => {
    // fresh (30_000-20_000-5_000) x 15_000 = 75_000_000; read 20_000 x 1500 = 30_000_000;
    // write 2_000 x 18_750 + 3_000 x 30_000 = 37_500_000 + 90_000_000 = 127_500_000; out 1000 x 75_000
    expect(
      price("anthropic.messages", "claude-opus-4-1-20250805", "2025-09-01", {
        inputTokens: 30_000,
        cacheReadTokens: 20_000,
        cacheWriteTokens: 5_000,
        cacheWrite1hTokens: 3_000,
        outputTokens: 1_000,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 75_000_000,
      cacheReadNanos: 30_000_000,
      cacheWriteNanos: 127_500_000,
      outputNanos: 75_000_000,
      totalNanos: 307_500_000,
      priceEntryId: "anthropic/claude-opus-4-1@2025-08-05",
    });
  });

  it("claude-3-5-haiku: cache read", () => {
    // 1000 x 800 = 800_000; 4000 x 80 ($0.08) = 320_000; 100 x 4000 = 400_000
    expect(
      price("anthropic.messages", "claude-3-5-haiku-20241022", "2025-01-01", {
        inputTokens: 5_000,
        cacheReadTokens: 4_000,
        outputTokens: 100,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 800_000,
      cacheReadNanos: 320_000,
      outputNanos: 400_000,
      totalNanos: 1_520_000,
      priceEntryId: "anthropic/claude-3-5-haiku@2024-11-04",
    });
  });

  it("claude-sonnet-4 above 200k input: the long-context tier prices the whole request", () => {
    // tier: in $6, read $0.60, out $22.50. 240_000 x 6000 = 1_440_000_000; 10_000 x 600 = 6_000_000;
    // 2000 x 22_500 = 45_000_000
    expect(
      price("anthropic.messages", "claude-sonnet-4-20250514", "2025-09-01", {
        inputTokens: 250_000,
        cacheReadTokens: 10_000,
        outputTokens: 2_000,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 1_440_000_000,
      cacheReadNanos: 6_000_000,
      outputNanos: 45_000_000,
      totalNanos: 1_491_000_000,
      priceEntryId: "anthropic/claude-sonnet-4@2025-05-22",
      tierAboveInputTokens: 200_000,
    });
  });

  it("claude-sonnet-4 at exactly 200k input stays on the base price", () => {
    // 200_000 x 3000 = 600_000_000; 1000 x 15_000 = 15_000_000
    const cost = price("anthropic", "claude-sonnet-4-0", "2025-09-01", {
      inputTokens: 200_000,
      outputTokens: 1000,
    });
    expect(cost).toEqual({
      ...zeroParts,
      inputNanos: 600_000_000,
      outputNanos: 15_000_000,
      totalNanos: 615_000_000,
      priceEntryId: "anthropic/claude-sonnet-4@2025-05-22",
    });
  });

  it("a Bedrock id maps to the Anthropic entry", () => {
    // 1000 x 3000 = 3_000_000; 100 x 15_000 = 1_500_000
    expect(
      price("amazon-bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "2025-01-01", {
        inputTokens: 1000,
        outputTokens: 100,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 3_000_000,
      outputNanos: 1_500_000,
      totalNanos: 4_500_000,
      priceEntryId: "anthropic/claude-3-5-sonnet@2024-06-20",
    });
  });

  it("a Vertex AI id with @snapshot maps to the Anthropic entry", () => {
    // 1000 x 3000 + 1000 x 15_000 = 18_000_000
    expect(
      price("vertex.anthropic.messages", "claude-sonnet-4@20250514", "2025-07-01", {
        inputTokens: 1000,
        outputTokens: 1000,
      }),
    ).toMatchObject({ totalNanos: 18_000_000, priceEntryId: "anthropic/claude-sonnet-4@2025-05-22" });
  });
});

describe("Google", () => {
  it("gemini-2.5-pro above 200k: long-context tier, thinking billed as output", () => {
    // tier: in $2.50, out $15. 300_000 x 2500 = 750_000_000; (10_000-6_000) x 15_000 = 60_000_000;
    // 6000 x 15_000 = 90_000_000
    expect(
      price("google.generative-ai", "gemini-2.5-pro", "2025-08-01", {
        inputTokens: 300_000,
        outputTokens: 10_000,
        reasoningTokens: 6_000,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 750_000_000,
      outputNanos: 60_000_000,
      reasoningNanos: 90_000_000,
      totalNanos: 900_000_000,
      priceEntryId: "google/gemini-2.5-pro@2025-06-17",
      tierAboveInputTokens: 200_000,
    });
  });

  it("gemini-2.5-pro up to 200k with a cache hit", () => {
    // (100_000-40_000) x 1250 = 75_000_000; 40_000 x 125 ($0.125) = 5_000_000; 1000 x 10_000 = 10_000_000
    expect(
      price("google.generative-ai", "models/gemini-2.5-pro", "2025-08-01", {
        inputTokens: 100_000,
        cacheReadTokens: 40_000,
        outputTokens: 1_000,
      }),
    ).toEqual({
      ...zeroParts,
      inputNanos: 75_000_000,
      cacheReadNanos: 5_000_000,
      outputNanos: 10_000_000,
      totalNanos: 90_000_000,
      priceEntryId: "google/gemini-2.5-pro@2025-06-17",
    });
  });

  it("embedding on Vertex AI: gemini-embedding-001", () => {
    // 1000 x 150 ($0.15) = 150_000
    expect(
      price("google.vertex.embedding", "gemini-embedding-001", "2025-08-01", { inputTokens: 1000 }),
    ).toMatchObject({
      inputNanos: 150_000,
      totalNanos: 150_000,
    });
  });

  it("images: imagen-4.0-generate-001 per image", () => {
    // 3 x $0.04 = 120_000_000
    expect(price("google.generative-ai", "imagen-4.0-generate-001", "2025-09-01", { images: 3 })).toEqual({
      ...zeroParts,
      imageNanos: 120_000_000,
      totalNanos: 120_000_000,
      priceEntryId: "google/imagen-4.0-generate@2025-05-20",
    });
  });
});
