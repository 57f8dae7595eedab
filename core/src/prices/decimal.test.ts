import { describe, expect, it } from "vitest";
import { builtInCatalog } from "./catalog.ts";
import { computeCost, type TokenUsage } from "./cost.ts";
import { divideHalfUp, formatNanosAsUsd, parseUsdToNanos } from "./decimal.ts";
import type { PriceEntry } from "./schema.ts";

const synthetic = (prices: Partial<PriceEntry>): PriceEntry => ({
  id: "test/synthetic@2025-01-01",
  provider: "test",
  match: ["synthetic"],
  effectiveFrom: "2025-01-01",
  ...prices,
});

describe("parseUsdToNanos", () => {
  it("parses decimal strings exactly, without floats", () => {
    expect(parseUsdToNanos("0.0375")).toBe(37_500_000n);
    expect(parseUsdToNanos("2.50")).toBe(2_500_000_000n);
    expect(parseUsdToNanos("15")).toBe(15_000_000_000n);
    expect(parseUsdToNanos("0.000000001")).toBe(1n);
    // 0.1 + 0.2 is not 0.3 in floats; here it is.
    expect(parseUsdToNanos("0.1") + parseUsdToNanos("0.2")).toBe(parseUsdToNanos("0.3"));
    expect(parseUsdToNanos("999999999999.999999999")).toBe(999_999_999_999_999_999_999n);
  });

  it("refuses anything but a plain decimal, naming the field", () => {
    for (const bad of ["", "1e-6", "-1", "1,50", " 1", "1.", ".5", "0.0000000001", "NaN"]) {
      expect(() => parseUsdToNanos(bad, "tiers[0].input"), bad).toThrowError(
        /tiers\[0\]\.input: expected a decimal/,
      );
    }
  });
});

describe("rounding", () => {
  it("rounds half up", () => {
    expect(divideHalfUp(5n, 10n)).toBe(1n);
    expect(divideHalfUp(4n, 10n)).toBe(0n);
    expect(divideHalfUp(15n, 10n)).toBe(2n);
    expect(divideHalfUp(0n, 7n)).toBe(0n);
  });

  it("1 token at $0.0375/M is 37.5 nano-dollars, rounded to 38", () => {
    const entry = synthetic({ input: "0.0375", output: "0.0375" });
    expect(computeCost(entry, { inputTokens: 1 }).inputNanos).toBe(38);
    expect(computeCost(entry, { inputTokens: 2 }).inputNanos).toBe(75);
    // 3 x 37.5 = 112.5 -> 113
    expect(computeCost(entry, { inputTokens: 3 }).inputNanos).toBe(113);
  });

  it("rounds once per part, then sums the parts", () => {
    const entry = synthetic({ input: "0.0375", output: "0.0375", cacheRead: "0.0375" });
    // input 37.5 -> 38, cache read 37.5 -> 38, output 37.5 -> 38: total 114, not round(112.5)
    const cost = computeCost(entry, { inputTokens: 2, cacheReadTokens: 1, outputTokens: 1 });
    expect(cost).toMatchObject({ inputNanos: 38, cacheReadNanos: 38, outputNanos: 38, totalNanos: 114 });
  });

  it("rounds the 5-minute and 1-hour cache writes together, once", () => {
    const entry = synthetic({ input: "1", cacheWrite5m: "0.0005", cacheWrite1h: "0.0005" });
    // 1 x 0.5 + 1 x 0.5 = 1.0 nano-dollar (rounding each would give 2)
    expect(
      computeCost(entry, { inputTokens: 2, cacheWriteTokens: 2, cacheWrite1hTokens: 1 }).cacheWriteNanos,
    ).toBe(1);
  });

  it("the smallest price: 1 nano-dollar per million tokens", () => {
    const entry = synthetic({ input: "0.000000001" });
    expect(computeCost(entry, { inputTokens: 499_999 }).inputNanos).toBe(0);
    expect(computeCost(entry, { inputTokens: 500_000 }).inputNanos).toBe(1);
  });

  it("throws rather than return an unsafe number", () => {
    const entry = synthetic({ input: "999999999999" });
    expect(() => computeCost(entry, { inputTokens: Number.MAX_SAFE_INTEGER })).toThrowError(
      /MAX_SAFE_INTEGER/,
    );
  });

  it("formats nano-dollars as exact USD strings", () => {
    expect(formatNanosAsUsd(38)).toBe("0.000000038");
    expect(formatNanosAsUsd(1_491_000_000n)).toBe("1.491000000");
    expect(formatNanosAsUsd(-5)).toBe("-0.000000005");
  });
});

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomUsage(int: (max: number) => number, large: boolean): TokenUsage {
  const inputTokens = int(large ? 2_000_000 : 5_000);
  const cacheReadTokens = int(inputTokens);
  const cacheWriteTokens = int(inputTokens - cacheReadTokens);
  const outputTokens = int(20_000);
  return {
    inputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    cacheWrite1hTokens: int(cacheWriteTokens),
    outputTokens,
    reasoningTokens: int(outputTokens),
  };
}

/** Problems with one cost: parts not safe integers, or not summing to the total. */
function checkSums(cost: ReturnType<typeof computeCost>): string[] {
  const parts = [
    cost.inputNanos,
    cost.cacheReadNanos,
    cost.cacheWriteNanos,
    cost.outputNanos,
    cost.reasoningNanos,
    cost.imageNanos,
  ];
  const problems = parts
    .filter((part) => !Number.isSafeInteger(part) || part < 0)
    .map((p) => `bad part ${p}`);
  const sum = parts.reduce((a, b) => a + b, 0);
  if (sum !== cost.totalNanos) problems.push(`parts sum to ${sum}, total is ${cost.totalNanos}`);
  return problems;
}

/** Checks a rounded part against its exact value x 1e6: within half a nano-dollar, half rounds up. */
function checkRounding(name: string, part: number, exactTimesMillion: bigint): string[] {
  const diff = BigInt(part) * 1_000_000n - exactTimesMillion;
  return diff > -500_000n && diff <= 500_000n ? [] : [`${name}: ${part} is off exact by ${diff}/1e6`];
}

describe("property: random usage", () => {
  it("every built-in entry: parts are safe integers and sum to the total", () => {
    const next = random(20_260_101);
    const int = (max: number) => Math.floor(next() * (max + 1));
    const entries = builtInCatalog().builtIn.filter(
      (entry) => entry.input !== undefined && entry.output !== undefined,
    );
    expect(entries.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const entry = entries[int(entries.length - 1)]!;
      const cost = computeCost(entry, randomUsage(int, next() < 0.2));
      problems.push(...checkSums(cost).map((p) => `${entry.id}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it("random 9-decimal prices: each part is within half a nano-dollar of the exact cost", () => {
    const next = random(42);
    const int = (max: number) => Math.floor(next() * (max + 1));
    const decimal = () => `${int(80)}.${String(int(999_999_999)).padStart(9, "0")}`;
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const prices = { input: decimal(), output: decimal(), cacheRead: decimal(), reasoning: decimal() };
      const usage = randomUsage(int, false);
      const cost = computeCost(synthetic({ ...prices, cacheWrite5m: undefined }), usage);
      const n = (v: number | undefined) => BigInt(v ?? 0);
      const p = (v: string) => parseUsdToNanos(v);
      const uncached = n(usage.inputTokens) - n(usage.cacheReadTokens) - n(usage.cacheWriteTokens);
      problems.push(
        ...checkSums(cost),
        ...checkRounding("input", cost.inputNanos, uncached * p(prices.input)),
        ...checkRounding("cacheRead", cost.cacheReadNanos, n(usage.cacheReadTokens) * p(prices.cacheRead)),
        // no cache-write price: cache writes fall back to the input price
        ...checkRounding("cacheWrite", cost.cacheWriteNanos, n(usage.cacheWriteTokens) * p(prices.input)),
        ...checkRounding(
          "output",
          cost.outputNanos,
          (n(usage.outputTokens) - n(usage.reasoningTokens)) * p(prices.output),
        ),
        ...checkRounding("reasoning", cost.reasoningNanos, n(usage.reasoningTokens) * p(prices.reasoning)),
      );
    }
    expect(problems).toEqual([]);
  });
});
