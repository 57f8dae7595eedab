import { describe, expect, it } from "vitest";
import { builtInPriceEntries } from "./catalog-data.ts";
import { parseUsdToNanos } from "./decimal.ts";
import { validatePriceEntries } from "./validate.ts";

describe("built-in catalog data", () => {
  it("validates, with unique ids", () => {
    expect(() => validatePriceEntries(builtInPriceEntries, "built-in prices")).not.toThrow();
  });

  it("names each entry provider/model@effectiveFrom and cites a source", () => {
    const wrong = builtInPriceEntries.filter(
      (entry) =>
        !entry.id.startsWith(`${entry.provider}/`) ||
        !entry.id.endsWith(`@${entry.effectiveFrom.slice(0, 10)}`) ||
        entry.sourceUrl === undefined,
    );
    expect(wrong.map((entry) => entry.id)).toEqual([]);
  });

  it("covers the providers and kinds the product promises", () => {
    const providers = new Set(builtInPriceEntries.map((entry) => entry.provider));
    for (const provider of [
      "openai",
      "anthropic",
      "google",
      "xai",
      "mistral",
      "deepseek",
      "groq",
      "together",
      "fireworks",
      "bedrock",
    ]) {
      expect(providers, provider).toContain(provider);
    }
    expect(builtInPriceEntries.some((entry) => entry.kind === "embedding")).toBe(true);
    expect(builtInPriceEntries.some((entry) => entry.kind === "image")).toBe(true);
    expect(builtInPriceEntries.some((entry) => (entry.tiers ?? []).length > 0)).toBe(true);
  });

  it("Anthropic cache prices follow the published multipliers: write 1.25x / 2x, read 0.1x", () => {
    const problems: string[] = [];
    // Claude 3 Haiku predates the multipliers: Anthropic publishes $0.30 write / $0.03 read on $0.25.
    const checked = builtInPriceEntries.filter(
      (e) => e.provider === "anthropic" && !e.id.includes("claude-3-haiku"),
    );
    expect(checked.length).toBeGreaterThan(8);
    for (const entry of checked) {
      for (const prices of [entry, ...(entry.tiers ?? [])]) {
        const input = parseUsdToNanos(prices.input!);
        const check = (name: string, value: string | undefined, times100: bigint) => {
          if (value === undefined || parseUsdToNanos(value) * 100n !== input * times100) {
            problems.push(`${entry.id} ${name}=${value} for input ${prices.input}`);
          }
        };
        check("cacheWrite5m", prices.cacheWrite5m, 125n);
        check("cacheWrite1h", prices.cacheWrite1h, 200n);
        check("cacheRead", prices.cacheRead, 10n);
      }
    }
    expect(problems).toEqual([]);
  });

  it("cached input is never dearer than input, nor a tier cheaper than its base", () => {
    const problems: string[] = [];
    for (const entry of builtInPriceEntries) {
      if (entry.cacheRead !== undefined && parseUsdToNanos(entry.cacheRead) > parseUsdToNanos(entry.input!)) {
        problems.push(`${entry.id} cacheRead`);
      }
      for (const tier of entry.tiers ?? []) {
        if (tier.input !== undefined && parseUsdToNanos(tier.input) < parseUsdToNanos(entry.input!)) {
          problems.push(`${entry.id} tier input`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
