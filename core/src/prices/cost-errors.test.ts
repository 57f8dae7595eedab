import { describe, expect, it } from "vitest";
import { Cost, Usage } from "../generation.ts";
import { type TokenUsage, toRecordCost } from "./cost.ts";
import { PricingError } from "./errors.ts";
import { priceGeneration } from "./price-generation.ts";

describe("unpriced and bad input", () => {
  it("an unknown model is unpriced with a reason, never 0", () => {
    const result = priceGeneration({
      provider: "openai.chat",
      model: "gpt-99-turbo",
      at: new Date("2025-01-01"),
      usage: { inputTokens: 10, outputTokens: 10 },
    });
    expect(result).toEqual({ priced: false, reason: expect.stringContaining('"gpt-99-turbo"') });
  });

  it("a model asked for before its first price is unpriced, and says when the price starts", () => {
    const result = priceGeneration({
      provider: "openai",
      model: "gpt-5",
      at: new Date("2025-01-01"),
      usage: {},
    });
    expect(result).toEqual({ priced: false, reason: expect.stringContaining("2025-08-07T00:00:00.000Z") });
  });

  it("negative, fractional or non-numeric token counts throw, naming the field", () => {
    const at = new Date("2025-01-01");
    const run = (usage: TokenUsage) => () =>
      priceGeneration({ provider: "openai", model: "gpt-4o", at, usage });
    expect(run({ inputTokens: -1 })).toThrowError(
      /usage\.inputTokens must be a non-negative integer, got -1/,
    );
    expect(run({ outputTokens: 1.5 })).toThrowError(/usage\.outputTokens/);
    expect(run({ cacheReadTokens: Number.NaN })).toThrowError(/usage\.cacheReadTokens/);
    expect(run({ reasoningTokens: "3" as unknown as number })).toThrowError(/usage\.reasoningTokens/);
    try {
      run({ images: -2 })();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PricingError);
      expect((error as PricingError).field).toBe("usage.images");
      expect((error as PricingError).code).toBe("invalid-input");
    }
  });

  it("a part larger than the total that includes it throws, naming both", () => {
    const at = new Date("2025-01-01");
    expect(() =>
      priceGeneration({
        provider: "openai",
        model: "gpt-4o",
        at,
        usage: { outputTokens: 10, reasoningTokens: 11 },
      }),
    ).toThrowError(/usage\.reasoningTokens \(11\) exceeds usage\.outputTokens \(10\)/);
    expect(() =>
      priceGeneration({
        provider: "openai",
        model: "gpt-4o",
        at,
        usage: { inputTokens: 10, cacheReadTokens: 8, cacheWriteTokens: 3 },
      }),
    ).toThrowError(/exceeds usage\.inputTokens/);
  });

  it("takes the record's Usage as is and gives a cost the record's Cost schema accepts", () => {
    const usage = Usage.parse({ inputTokens: 1000, cacheReadTokens: 400, outputTokens: 50 });
    const result = priceGeneration({
      provider: "openai.chat",
      model: "gpt-4o",
      at: new Date("2025-01-01"),
      usage,
    });
    if (!result.priced) throw new Error(result.reason);
    // 600 x 2500 = 1_500_000; 400 x 1250 = 500_000; 50 x 10_000 = 500_000
    expect(Cost.parse(toRecordCost(result.cost))).toEqual({
      total: 2_500_000,
      input: 1_500_000,
      output: 500_000,
      cacheRead: 500_000,
      cacheWrite: 0,
      reasoning: 0,
      image: 0,
    });
  });
});
