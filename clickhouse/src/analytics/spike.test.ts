import { describe, expect, it } from "vitest";
import { detectSpike, medianBig, spikeWindows } from "./spike.ts";

const USD = 1_000_000_000n;

describe("spikeWindows", () => {
  it("returns the current window and its daily and weekly look-backs without repeats", () => {
    const now = new Date("2026-03-10T14:30:00Z");
    const windows = spikeWindows(now, { windowMinutes: 30, days: 7, weeks: 3 });
    expect(windows[0]).toEqual({ from: new Date("2026-03-10T14:00:00Z"), to: now, lagHours: 0 });
    expect(windows.map((w) => w.lagHours)).toEqual([0, 24, 48, 72, 96, 120, 144, 168, 336, 504]);
    const last = windows.at(-1)!;
    expect(last.to.toISOString()).toBe("2026-02-17T14:30:00.000Z");
  });

  it("rejects a bad option by name", () => {
    expect(() => spikeWindows(new Date(), { windowMinutes: 0 })).toThrow(/windowMinutes/);
  });
});

describe("detectSpike", () => {
  const seasonal = [10n, 11n, 9n, 10n, 12n, 10n, 9n].map((v) => v * USD);

  it("fires on a window far above the seasonal median", () => {
    const v = detectSpike(40n * USD, seasonal);
    expect(v.spike).toBe(true);
    expect(v.expected).toBe(10n * USD);
    expect(v.ratio).toBe(4);
    expect(v.reason).toMatch(/4\.0x/);
  });

  it("stays quiet for a normal value, below the minimum amount, or without history", () => {
    expect(detectSpike(12n * USD, seasonal).spike).toBe(false);
    const small = seasonal.map((v) => v / 100n);
    expect(detectSpike(small[0]! * 9n, small).reason).toMatch(/minimum amount/);
    expect(detectSpike(100n * USD, [USD, USD]).reason).toMatch(/baseline samples/);
  });

  it("needs both the ratio and the z-score", () => {
    // Noisy history: 2.1x the median but within a few robust deviations.
    const noisy = [2n, 20n, 3n, 18n, 10n, 25n, 1n].map((v) => v * USD);
    const v = detectSpike(21n * USD, noisy, { ratio: 2 });
    expect(v.ratio).toBeGreaterThanOrEqual(2);
    expect(v.spike).toBe(false);
    expect(v.reason).toMatch(/^z /);
  });

  it("one old spike in the baseline does not hide a new one", () => {
    const withOldSpike = [...seasonal.slice(0, 6), 80n * USD];
    expect(detectSpike(60n * USD, withOldSpike).spike).toBe(true);
  });

  it("treats spend from nothing as a spike once above the minimum", () => {
    const v = detectSpike(5n * USD, [0n, 0n, 0n, 0n]);
    expect(v.spike).toBe(true);
    expect(v.ratio).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("medianBig", () => {
  it("is exact", () => {
    expect(medianBig([3n, 1n, 2n])).toBe(2n);
    expect(medianBig([4n, 1n, 2n, 3n])).toBe(2n);
    expect(() => medianBig([])).toThrow();
  });
});
