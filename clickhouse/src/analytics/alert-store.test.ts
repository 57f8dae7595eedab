import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastFiredByKey, listFirings, newFiringId, recordFiring } from "./alert-firings.ts";
import {
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  ruleParam,
  updateAlertRule,
  validateAlertRuleInput,
} from "./alert-rules.ts";
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

describe("alert rules", () => {
  it("validates params per kind and names the bad field", () => {
    expect(
      validateAlertRuleInput({ name: "s", kind: "cost_spike", params: { ratio: "3", model: "gpt-4o" } }),
    ).toMatchObject({
      params: { ratio: 3, model: "gpt-4o" },
      cooldownSeconds: 3600,
      webhookFormat: "json",
      enabled: true,
    });
    expect(() => validateAlertRuleInput({ name: "s", kind: "cost_spike", params: { bogus: 1 } })).toThrow(
      /bogus/,
    );
    expect(() =>
      validateAlertRuleInput({ name: "s", kind: "abuse_score", params: { minScore: -1 } }),
    ).toThrow(/minScore/);
    expect(() => validateAlertRuleInput({ name: "s", kind: "cost_spike", webhookUrl: "ftp://x" })).toThrow(
      /webhookUrl/,
    );
    expect(() => validateAlertRuleInput({ name: "s", kind: "nope" as never })).toThrow(/kind/);
  });

  it("stores, edits (keeping the secret) and deletes rules", async () => {
    const r = await createAlertRule(store, {
      projectId: "p1",
      createdBy: "a@x",
      name: "Spend spike",
      kind: "cost_spike",
      params: { ratio: 3 },
      webhookUrl: "https://hooks.example/x",
      webhookSecret: "sec",
    });
    expect(ruleParam(r, "ratio")).toBe(3);
    expect(ruleParam(r, "z")).toBe(4);
    const edited = await updateAlertRule(store, r.id, {
      updatedBy: "a@x",
      name: "Spike",
      kind: "cost_spike",
      enabled: false,
    });
    expect(edited).toMatchObject({ name: "Spike", webhookSecret: "sec", enabled: false, params: {} });
    expect(await listAlertRules(store, { projectId: "p1", enabledOnly: true })).toEqual([]);
    expect((await listAlertRules(store, { projectId: "p1" }))[0]?.name).toBe("Spike");
    expect(await deleteAlertRule(store, r.id, { deletedBy: "a@x" })).toBe(true);
    expect(await getAlertRule(store, r.id)).toBeNull();
  });
});

describe("alert firings", () => {
  it("records, updates delivery status, lists and reports last firing per key", async () => {
    const base = {
      projectId: "p1",
      ruleId: "r1",
      kind: "cost_spike" as const,
      severity: "critical" as const,
      title: "Spike",
      message: "m",
      details: { ratio: 4 },
      evidenceUrl: "/costs",
      deliveryAttempts: 0,
      deliveryError: "",
    };
    const first = {
      ...base,
      id: newFiringId(),
      dedupKey: "k1",
      firedAt: new Date("2026-05-01T10:00:00Z"),
      deliveryStatus: "pending" as const,
    };
    await recordFiring(store, first);
    await recordFiring(store, { ...first, deliveryStatus: "delivered", deliveryAttempts: 2 });
    await recordFiring(store, {
      ...base,
      id: newFiringId(),
      dedupKey: "k1",
      firedAt: new Date("2026-05-01T12:00:00Z"),
      deliveryStatus: "none",
    });
    await recordFiring(store, {
      ...base,
      id: newFiringId(),
      dedupKey: "k2",
      firedAt: new Date("2026-05-01T11:00:00Z"),
      deliveryStatus: "failed",
      deliveryError: "HTTP 500",
    });
    const all = await listFirings(store, { projectId: "p1" });
    expect(all.map((f) => f.firedAt.toISOString())).toEqual([
      "2026-05-01T12:00:00.000Z",
      "2026-05-01T11:00:00.000Z",
      "2026-05-01T10:00:00.000Z",
    ]);
    expect(all[2]).toMatchObject({ deliveryStatus: "delivered", deliveryAttempts: 2, details: { ratio: 4 } });
    const last = await lastFiredByKey(store, new Date("2026-05-01T00:00:00Z"));
    expect(last.get("k1")).toEqual(new Date("2026-05-01T12:00:00Z"));
    expect(last.get("k2")).toEqual(new Date("2026-05-01T11:00:00Z"));
    expect(
      await listFirings(store, { from: new Date("2026-05-01T10:30:00Z"), kind: "cost_spike", limit: 1 }),
    ).toHaveLength(1);
  });
});
