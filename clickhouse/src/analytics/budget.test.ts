import { describe, expect, it } from "vitest";
import { budgetPeriodBounds, budgetStatus, toGuardBudgets, validateBudgetInput } from "./budget.ts";

const USD = 1_000_000_000n;

describe("budgetPeriodBounds", () => {
  it("covers UTC days, Monday weeks and months", () => {
    const at = new Date("2026-04-16T13:05:00Z"); // a Thursday
    expect(budgetPeriodBounds("day", at)).toEqual({
      start: new Date("2026-04-16T00:00:00Z"),
      end: new Date("2026-04-17T00:00:00Z"),
    });
    expect(budgetPeriodBounds("week", at)).toEqual({
      start: new Date("2026-04-13T00:00:00Z"),
      end: new Date("2026-04-20T00:00:00Z"),
    });
    expect(budgetPeriodBounds("week", new Date("2026-04-19T23:59:59Z")).start).toEqual(
      new Date("2026-04-13T00:00:00Z"),
    );
    expect(budgetPeriodBounds("month", new Date("2026-12-31T23:00:00Z"))).toEqual({
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
  });
});

describe("budgetStatus", () => {
  it("matches a hand computation of the burn-rate forecast", () => {
    // April has 30 days. After 10 days, $100 spent: $10/day. 20 days left => $300 projected.
    // A $250 budget runs out after 25 days of spend: April 26, 00:00 UTC.
    const s = budgetStatus(
      { amountNanos: 250n * USD, thresholds: [50, 80, 100], period: "month" },
      100n * USD,
      new Date("2026-04-11T00:00:00Z"),
    );
    expect(s.projectedNanos).toBe(300n * USD);
    expect(s.projectedExhaustionAt).toEqual(new Date("2026-04-26T00:00:00Z"));
    expect(s.percent).toBe(40);
    expect(s.crossedThresholds).toEqual([]);
    expect(s.remainingNanos).toBe(150n * USD);
    expect(s.state).toBe("ok");
  });

  it("reports crossed thresholds, and no exhaustion date inside the period when the rate is low", () => {
    const s = budgetStatus(
      { amountNanos: 100n * USD, thresholds: [50, 80, 100], period: "day" },
      81n * USD,
      new Date("2026-04-11T20:00:00Z"),
    );
    expect(s.crossedThresholds).toEqual([50, 80]);
    expect(s.state).toBe("warning");
    // 81 in 20 h => 4.05/h; 4 h left => 97.2 projected, never reaching 100 today.
    expect(s.projectedNanos).toBe(97_200_000_000n);
    expect(s.projectedExhaustionAt).toBeNull();
  });

  it("is exceeded at 100%", () => {
    const s = budgetStatus(
      { amountNanos: 10n * USD, thresholds: [50, 100], period: "week" },
      12n * USD,
      new Date(),
    );
    expect(s.exhausted).toBe(true);
    expect(s.state).toBe("exceeded");
    expect(s.remainingNanos).toBe(0n);
    expect(s.crossedThresholds).toEqual([50, 100]);
  });
});

describe("validateBudgetInput", () => {
  it("normalizes and defaults", () => {
    const v = validateBudgetInput({
      name: " Team ",
      scope: "user",
      scopeValue: "u1",
      period: "day",
      amountNanos: USD,
    });
    expect(v).toMatchObject({ name: "Team", thresholds: [50, 80, 100], enforcement: "alert" });
  });

  it("names the bad field", () => {
    const ok = { name: "x", scope: "all" as const, period: "day" as const, amountNanos: USD };
    expect(() => validateBudgetInput({ ...ok, amountNanos: 0n })).toThrow(/amountNanos/);
    expect(() => validateBudgetInput({ ...ok, scope: "user" })).toThrow(/scopeValue/);
    expect(() => validateBudgetInput({ ...ok, thresholds: [50, 50] })).toThrow(/distinct/);
    expect(() => validateBudgetInput({ ...ok, period: "year" as never })).toThrow(/period/);
  });
});

describe("toGuardBudgets", () => {
  it("converts what the guard can enforce and says why it skips the rest", () => {
    const base = {
      projectId: "p",
      thresholds: [100],
      createdBy: "x",
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const { guard, skipped } = toGuardBudgets([
      {
        ...base,
        id: "1",
        name: "Ana",
        scope: "user",
        scopeValue: "ana",
        period: "day",
        amountNanos: 5n * USD,
        enforcement: "hard",
      },
      {
        ...base,
        id: "2",
        name: "All",
        scope: "all",
        scopeValue: "",
        period: "month",
        amountNanos: USD,
        enforcement: "alert",
      },
      {
        ...base,
        id: "3",
        name: "Weekly",
        scope: "all",
        scopeValue: "",
        period: "week",
        amountNanos: USD,
        enforcement: "hard",
      },
      {
        ...base,
        id: "4",
        name: "Beta",
        scope: "tag",
        scopeValue: "beta",
        period: "day",
        amountNanos: USD,
        enforcement: "hard",
      },
    ]);
    expect(guard).toEqual([
      { name: "Ana", scope: { userId: "ana" }, period: "day", limitNanos: 5_000_000_000, mode: "hard" },
      { name: "All", scope: "all", period: "month", limitNanos: 1_000_000_000, mode: "soft" },
    ]);
    expect(skipped.map((s) => s.id)).toEqual(["3", "4"]);
  });
});
