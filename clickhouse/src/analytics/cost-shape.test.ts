import { describe, expect, it } from "vitest";
import { costRowsCsv, csvCell, nanosToUsdString } from "./cost-export.ts";
import {
  alignRange,
  bucketList,
  bucketStart,
  chartSeries,
  OTHER_GROUP,
  previousRange,
  tokenMix,
  topMovers,
  zeroMetrics,
} from "./cost-shape.ts";
import type { CostGroup, CostRow } from "./cost-types.ts";

const group = (name: string, cost: bigint, prev: bigint): CostGroup => ({
  ...zeroMetrics(),
  group: name,
  costNanos: cost,
  previousCostNanos: prev,
  previousRequests: 0,
  deltaNanos: cost - prev,
});

describe("ranges and buckets", () => {
  it("aligns to whole hours and mirrors the previous period", () => {
    const r = alignRange(new Date("2026-03-02T10:15:00Z"), new Date("2026-03-04T09:01:00Z"));
    expect(r).toEqual({ from: new Date("2026-03-02T10:00:00Z"), to: new Date("2026-03-04T10:00:00Z") });
    expect(previousRange(r.from, r.to)).toEqual({ from: new Date("2026-02-28T10:00:00Z"), to: r.from });
    expect(() => alignRange(r.to, r.from)).toThrow(/before/);
  });

  it("lists buckets per granularity", () => {
    const from = new Date("2026-03-01T00:00:00Z"); // a Sunday
    const to = new Date("2026-05-01T00:00:00Z");
    expect(bucketStart(from, "week")).toEqual(new Date("2026-02-23T00:00:00Z"));
    expect(bucketList(from, to, "month").map((d) => d.toISOString().slice(0, 7))).toEqual([
      "2026-03",
      "2026-04",
    ]);
    expect(bucketList(from, to, "day")).toHaveLength(61);
    expect(bucketList(from, new Date("2026-03-01T05:00:00Z"), "hour")).toHaveLength(5);
  });
});

describe("derived views", () => {
  it("splits the token mix", () => {
    const mix = tokenMix({
      ...zeroMetrics(),
      inputTokens: 1000,
      cacheReadTokens: 600,
      cacheWriteTokens: 100,
      outputTokens: 300,
      reasoningTokens: 120,
    });
    expect(mix).toEqual({ uncachedInput: 300, cacheRead: 600, cacheWrite: 100, output: 180, reasoning: 120 });
  });

  it("orders movers by absolute change and drops unchanged groups", () => {
    const movers = topMovers([
      group("a", 10n, 10n),
      group("b", 5n, 50n),
      group("c", 40n, 10n),
      group("d", 1n, 0n),
    ]);
    expect(movers.map((m) => m.group)).toEqual(["b", "c", "d"]);
  });

  it("builds zero-filled chart series with an (other) bucket", () => {
    const buckets = [new Date("2026-03-01T00:00:00Z"), new Date("2026-03-02T00:00:00Z")];
    const rows: CostRow[] = [
      { ...zeroMetrics(), bucket: buckets[0]!, group: "a", costNanos: 5n },
      { ...zeroMetrics(), bucket: buckets[1]!, group: "b", costNanos: 3n },
      { ...zeroMetrics(), bucket: buckets[1]!, group: "", costNanos: 2n },
    ];
    const groups = [group("a", 5n, 0n), group("b", 3n, 0n), group("", 2n, 0n)];
    const s = chartSeries(rows, groups, buckets, 1);
    expect(s.keys).toEqual(["a", OTHER_GROUP]);
    expect(s.points).toEqual([
      { bucket: "2026-03-01T00:00:00.000Z", a: 5, [OTHER_GROUP]: 0 },
      { bucket: "2026-03-02T00:00:00.000Z", a: 0, [OTHER_GROUP]: 5 },
    ]);
  });
});

describe("CSV", () => {
  it("is exact and defuses formulas", () => {
    expect(nanosToUsdString(1_500_000_001n)).toBe("1.500000001");
    expect(nanosToUsdString(-5n)).toBe("-0.000000005");
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    const csv = costRowsCsv(
      [
        {
          ...zeroMetrics(),
          bucket: new Date("2026-03-01T00:00:00Z"),
          group: "gpt-4o",
          requests: 2,
          costNanos: 12n,
        },
      ],
      "model",
    );
    expect(csv.split("\r\n")[1]).toBe(
      "2026-03-01T00:00:00.000Z,model,gpt-4o,2,0,0,0,0,0,12,0.000000012,0,0,0",
    );
  });
});
