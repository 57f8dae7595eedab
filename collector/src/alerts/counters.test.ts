import type { Budget } from "@genledger/clickhouse";
import { createMemoryKvStore } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { budgetCounterKey, reconcileBudgetCounters } from "./counters.ts";

const now = new Date("2026-05-14T10:00:00Z");
function budget(id: string, scope: Budget["scope"], scopeValue: string, period: Budget["period"]): Budget {
  return {
    id,
    projectId: "p1",
    name: id,
    scope,
    scopeValue,
    period,
    amountNanos: 1n,
    thresholds: [100],
    enforcement: "hard",
    createdBy: "x",
    createdAt: now,
    updatedAt: now,
  };
}

describe("budget counters", () => {
  it("uses the budget guard's key scheme", () => {
    expect(budgetCounterKey({ period: "day", scope: "user", scopeValue: "a@b.c", at: now })).toBe(
      "genledger:spend:day:2026-05-14:user:a%40b.c",
    );
    expect(budgetCounterKey({ period: "month", scope: "all", scopeValue: "", at: now })).toBe(
      "genledger:spend:month:2026-05:all:*",
    );
    expect(budgetCounterKey({ period: "week", scope: "all", scopeValue: "", at: now })).toBeNull();
    expect(budgetCounterKey({ period: "day", scope: "tag", scopeValue: "x", at: now })).toBeNull();
  });

  it("sets counters to the ClickHouse truth, keeping concurrent increments", async () => {
    const kv = createMemoryKvStore();
    const budgets = [
      budget("b1", "user", "u1", "day"),
      budget("b2", "all", "", "month"),
      budget("b3", "tag", "t", "day"),
    ];
    await kv.incrBy("genledger:spend:day:2026-05-14:user:u1", 999);
    const changed = await reconcileBudgetCounters(
      kv,
      budgets,
      new Map([
        ["b1", 500n],
        ["b2", 7000n],
        ["b3", 1n],
      ]),
      now,
    );
    expect(changed).toBe(2);
    expect(await kv.get("genledger:spend:day:2026-05-14:user:u1")).toBe("500");
    expect(await kv.get("genledger:spend:month:2026-05:all:*")).toBe("7000");
    // Nothing drifted since: nothing to write.
    expect(
      await reconcileBudgetCounters(
        kv,
        budgets,
        new Map([
          ["b1", 500n],
          ["b2", 7000n],
        ]),
        now,
      ),
    ).toBe(0);
    await kv.close();
  });
});
