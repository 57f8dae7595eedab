import { describe, expect, it } from "vitest";
import { detectErrorRateSpike } from "./error-rate.ts";

describe("detectErrorRateSpike", () => {
  it("fires when the rate jumps well above baseline", () => {
    const v = detectErrorRateSpike({ requests: 100, errors: 30 }, { requests: 2400, errors: 48 });
    expect(v.spike).toBe(true);
    expect(v.rate).toBeCloseTo(0.3);
    expect(v.baselineRate).toBeCloseTo(0.02);
  });

  it("ignores a steady high rate, tiny samples and few errors", () => {
    expect(detectErrorRateSpike({ requests: 100, errors: 30 }, { requests: 1000, errors: 250 }).spike).toBe(
      false,
    );
    expect(detectErrorRateSpike({ requests: 10, errors: 9 }, { requests: 1000, errors: 0 }).spike).toBe(
      false,
    );
    expect(detectErrorRateSpike({ requests: 30, errors: 4 }, { requests: 1000, errors: 0 }).reason).toMatch(
      /errors/,
    );
  });

  it("names a bad option", () => {
    expect(() =>
      detectErrorRateSpike({ requests: 1, errors: 1 }, { requests: 1, errors: 0 }, { ratio: -1 }),
    ).toThrow(/ratio/);
  });
});
