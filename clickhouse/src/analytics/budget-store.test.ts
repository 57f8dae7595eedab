import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBudget, deleteBudget, getBudget, listBudgets, updateBudget } from "./budget-store.ts";
import type { AnalyticsStore } from "./sql.ts";
import { openTestStore } from "./test-db.ts";

let store: AnalyticsStore;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ store, cleanup } = await openTestStore());
});
afterAll(async () => {
  await cleanup();
});

describe("budget store", () => {
  it("creates, edits, lists and deletes budgets per project", async () => {
    const b = await createBudget(store, {
      projectId: "p1",
      createdBy: "fin@x",
      name: "Daily total",
      scope: "all",
      period: "day",
      amountNanos: 12_345_678_901_234n,
    });
    await createBudget(store, {
      projectId: "p2",
      createdBy: "a@x",
      name: "Other",
      scope: "model",
      scopeValue: "gpt-4o",
      period: "month",
      amountNanos: 5n,
    });
    expect(await getBudget(store, b.id)).toMatchObject({
      name: "Daily total",
      amountNanos: 12_345_678_901_234n,
      thresholds: [50, 80, 100],
    });
    const edited = await updateBudget(store, b.id, {
      updatedBy: "fin@x",
      name: "Daily total",
      scope: "user",
      scopeValue: "u1",
      period: "week",
      amountNanos: 7n,
      thresholds: [90],
      enforcement: "hard",
    });
    expect(edited?.createdAt).toEqual(b.createdAt);
    const listed = await listBudgets(store, { projectId: "p1" });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      scope: "user",
      scopeValue: "u1",
      period: "week",
      amountNanos: 7n,
      thresholds: [90],
      enforcement: "hard",
    });
    expect(await getBudget(store, b.id, { projectId: "p2" })).toBeNull();
    expect(await deleteBudget(store, b.id, { deletedBy: "fin@x" })).toBe(true);
    expect(await getBudget(store, b.id)).toBeNull();
    expect(await listBudgets(store)).toHaveLength(1);
    expect(
      await updateBudget(store, "nope", {
        updatedBy: "x",
        name: "n",
        scope: "all",
        period: "day",
        amountNanos: 1n,
      }),
    ).toBeNull();
  });

  it("rejects invalid input before writing", async () => {
    await expect(
      createBudget(store, {
        projectId: "p1",
        createdBy: "x",
        name: "bad",
        scope: "all",
        period: "day",
        amountNanos: -1n,
      }),
    ).rejects.toThrow(/amountNanos/);
  });
});
