import { describe, expect, it } from "vitest";
import { createMetricsRegistry } from "./metrics.ts";
import { createSweeper, SWEEPER_METRIC } from "./sweeper.ts";

describe("sweeper", () => {
  it("marks generations pending longer than the timeout as abandoned", async () => {
    const calls: Date[] = [];
    const metrics = createMetricsRegistry();
    const sweeper = createSweeper({
      markAbandoned: async ({ olderThan }) => {
        calls.push(olderThan);
        return 3;
      },
      pendingTimeoutMs: 10 * 60_000,
      now: () => Date.parse("2026-03-01T12:00:00Z"),
      metrics,
    });
    expect(await sweeper.sweep()).toBe(3);
    expect(calls).toEqual([new Date("2026-03-01T11:50:00Z")]);
    expect(metrics.counter(SWEEPER_METRIC.abandoned, "").get()).toBe(3);
    await sweeper.stop();
  });

  it("defaults to 15 minutes, sweeps on its interval and survives a failing store", async () => {
    const cutoffs: number[] = [];
    let fail = true;
    const metrics = createMetricsRegistry();
    const sweeper = createSweeper({
      markAbandoned: async ({ olderThan }) => {
        cutoffs.push(olderThan.getTime());
        if (fail) {
          fail = false;
          throw new Error("store down");
        }
        return 0;
      },
      intervalMs: 20,
      now: () => 1_000_000_000,
      metrics,
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    await sweeper.stop();
    expect(cutoffs.length).toBeGreaterThanOrEqual(2);
    expect(cutoffs[0]).toBe(1_000_000_000 - 15 * 60_000);
    expect(metrics.counter(SWEEPER_METRIC.failures, "").get()).toBe(1);
    const after = cutoffs.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cutoffs.length).toBe(after);
  });

  it("never runs two sweeps at once", async () => {
    let concurrent = 0;
    let most = 0;
    const sweeper = createSweeper({
      markAbandoned: async () => {
        concurrent++;
        most = Math.max(most, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 30));
        concurrent--;
        return 1;
      },
    });
    await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    expect(most).toBe(1);
    await sweeper.stop();
  });

  it("rejects a non-positive timeout by name", () => {
    expect(() => createSweeper({ markAbandoned: async () => 0, pendingTimeoutMs: 0 })).toThrow(
      /GENLEDGER_PENDING_TIMEOUT/,
    );
  });
});
