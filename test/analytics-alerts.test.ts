// The alert evaluator end to end: real chDB, generated traffic, real webhook receivers over HTTP.
import {
  createAlertRule,
  createBudget,
  insertGenerations,
  listFirings,
  type Store,
} from "@genledger/clickhouse";
import { createMemoryKvStore, type KvStore } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertEvaluator } from "../collector/src/alerts/index.ts";
import { dailyRhythm, gen, openStore, seasonalTraffic, webhookReceiver } from "./analytics-fixtures.ts";

const USD = 1_000_000_000;
const HOUR = 3_600_000;
let store: Store;
let cleanup: () => Promise<void>;
let kv: KvStore;

beforeAll(async () => {
  ({ store, cleanup } = await openStore());
  kv = createMemoryKvStore();
});
afterAll(async () => {
  await kv.close();
  await cleanup();
});

function evaluator(clock: { now: Date }, extra: Partial<Parameters<typeof createAlertEvaluator>[0]> = {}) {
  return createAlertEvaluator({
    store,
    kv,
    now: () => clock.now,
    delivery: { baseDelayMs: 5, maxDelayMs: 20 },
    dashboardUrl: "https://genledger.test",
    ...extra,
  });
}

describe("cost spike", () => {
  const day8 = Date.UTC(2026, 5, 10); // Wednesday 2026-06-10, the eighth day of traffic
  const clock = { now: new Date(day8) };

  it("stays quiet through a normal day and fires once for a spike, within two cycles", async () => {
    const traffic = seasonalTraffic({
      end: new Date(day8 + 24 * HOUR),
      days: 8,
      perHour: dailyRhythm,
      overrides: { projectId: "p-spike" },
    });
    await insertGenerations(store, traffic);
    const hook = await webhookReceiver([200]);
    try {
      await createAlertRule(store, {
        projectId: "p-spike",
        createdBy: "admin@x",
        name: "Spend spike",
        kind: "cost_spike",
        params: { minAmountNanos: 0.5 * USD },
        webhookUrl: hook.url,
      });
      const ev = evaluator(clock);
      // Every hour of the eighth day, peak included: daily seasonality is no spike.
      for (let h = 0; h < 24; h++) {
        clock.now = new Date(day8 + h * HOUR + 30 * 60_000);
        const report = await ev.evaluateOnce();
        expect(report.errors).toEqual([]);
        expect(report.fired).toEqual([]);
      }
      expect(await listFirings(store, { projectId: "p-spike" })).toEqual([]);

      // 80 extra calls between 10:00 and 10:30 (about 3.5x the usual hour).
      const spikeStart = day8 + 10 * HOUR;
      await insertGenerations(
        store,
        Array.from({ length: 80 }, (_, i) =>
          gen({ projectId: "p-spike", userId: "user-1", startedAt: new Date(spikeStart + i * 20_000) }),
        ),
      );
      clock.now = new Date(spikeStart + 31 * 60_000);
      const first = await ev.evaluateOnce();
      clock.now = new Date(spikeStart + 32 * 60_000);
      const second = await ev.evaluateOnce();
      const fired = [...first.fired, ...second.fired];
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({
        kind: "cost_spike",
        deliveryStatus: "delivered",
        projectId: "p-spike",
      });
      expect(second.suppressed).toEqual([`cost_spike:${fired[0]!.ruleId}`]);
      expect(Number(fired[0]!.details.ratio)).toBeGreaterThan(2);
      expect(fired[0]!.evidenceUrl).toMatch(/^https:\/\/genledger\.test\/costs\?/);

      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]!.json).toMatchObject({
        type: "genledger.alert",
        kind: "cost_spike",
        projectId: "p-spike",
      });
      const history = await listFirings(store, { projectId: "p-spike" });
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ deliveryStatus: "delivered", deliveryAttempts: 1 });
      await ev.stop();
    } finally {
      await hook.close();
    }
  });
});

describe("budget thresholds", () => {
  const day = Date.UTC(2026, 5, 10);
  const clock = { now: new Date(day + 12 * HOUR) };

  it("fires once at 80% (delivered after a first 500), not again in the cooldown, then at 100%", async () => {
    const hook = await webhookReceiver([500, 200]);
    try {
      const budget = await createBudget(store, {
        projectId: "p-budget",
        createdBy: "finance@x",
        name: "Big spender daily",
        scope: "user",
        scopeValue: "big",
        period: "day",
        amountNanos: BigInt(10 * USD),
      });
      await createAlertRule(store, {
        projectId: "p-budget",
        createdBy: "finance@x",
        name: "Budgets to Slack",
        kind: "budget_threshold",
        webhookUrl: hook.url,
        webhookFormat: "slack",
      });
      // $8.50 today: 85% of $10. Yesterday's spend does not count.
      await insertGenerations(store, [
        ...Array.from({ length: 85 }, (_, i) =>
          gen({
            projectId: "p-budget",
            userId: "big",
            cost: { total: USD / 10, input: USD / 10 },
            startedAt: new Date(day + 6 * HOUR + i * 60_000),
          }),
        ),
        gen({
          projectId: "p-budget",
          userId: "big",
          cost: { total: 50 * USD },
          startedAt: new Date(day - HOUR),
        }),
      ]);
      const ev = evaluator(clock);
      const first = await ev.evaluateOnce();
      expect(first.errors).toEqual([]);
      expect(first.fired).toHaveLength(1);
      expect(first.fired[0]).toMatchObject({
        kind: "budget_threshold",
        title: 'Budget "Big spender daily" reached 80%',
        deliveryStatus: "delivered",
        deliveryAttempts: 2,
      });
      expect(first.fired[0]!.details).toMatchObject({
        budgetId: budget.id,
        threshold: 80,
        spentNanos: String(85 * (USD / 10)),
      });
      // The receiver saw the failed attempt and the retry, both Slack-formatted.
      expect(hook.received).toHaveLength(2);
      expect(hook.received[1]!.json.text).toContain("reached 80%");
      expect(Array.isArray(hook.received[1]!.json.blocks)).toBe(true);
      // The live counter of the budget guard holds the ClickHouse truth.
      expect(await kv.get("genledger:spend:day:2026-06-10:user:big")).toBe(String(85 * (USD / 10)));

      for (const later of [60_000, 2 * HOUR]) {
        clock.now = new Date(day + 12 * HOUR + later);
        const again = await ev.evaluateOnce();
        expect(again.fired).toEqual([]);
        expect(again.suppressed).toEqual([`budget:${budget.id}:2026-06-10T00:00:00.000Z:80`]);
      }
      expect(hook.received).toHaveLength(2);

      // Crossing 100% is a new threshold: it fires (and 80% stays quiet).
      await insertGenerations(store, [
        gen({
          projectId: "p-budget",
          userId: "big",
          cost: { total: 2 * USD },
          startedAt: new Date(day + 13 * HOUR),
        }),
      ]);
      clock.now = new Date(day + 14 * HOUR);
      const over = await ev.evaluateOnce();
      expect(over.fired.map((f) => f.details.threshold)).toEqual([100]);
      expect(over.fired[0]!.severity).toBe("critical");
      expect(await listFirings(store, { projectId: "p-budget" })).toHaveLength(2);
      await ev.stop();
    } finally {
      await hook.close();
    }
  });
});

describe("error rate and unpriced models", () => {
  const now = Date.UTC(2026, 5, 10, 16);
  const clock = { now: new Date(now) };

  it("fires on an error storm and on a model without a price", async () => {
    const hook = await webhookReceiver([200]);
    try {
      const baseline = Array.from({ length: 24 * 40 }, (_, i) =>
        gen({
          projectId: "p-err",
          status: i % 50 === 0 ? "error" : "complete",
          startedAt: new Date(now - 24 * HOUR - 15 * 60_000 + i * 90_000),
        }),
      );
      const storm = Array.from({ length: 40 }, (_, i) =>
        gen({
          projectId: "p-err",
          status: i % 2 === 0 ? "error" : "complete",
          startedAt: new Date(now - 14 * 60_000 + i * 20_000),
        }),
      );
      const unpriced = Array.from({ length: 3 }, (_, i) =>
        gen({
          projectId: "p-err",
          provider: "acme",
          model: "acme-new-1",
          cost: null,
          unpriced: true,
          startedAt: new Date(now - 30 * 60_000 + i * 1000),
        }),
      );
      await insertGenerations(store, [...baseline, ...storm, ...unpriced]);
      await createAlertRule(store, {
        projectId: "p-err",
        createdBy: "a@x",
        name: "Errors",
        kind: "error_rate_spike",
        webhookUrl: hook.url,
      });
      await createAlertRule(store, {
        projectId: "p-err",
        createdBy: "a@x",
        name: "Prices",
        kind: "unpriced_model",
        webhookUrl: hook.url,
      });
      const ev = evaluator(clock);
      const report = await ev.evaluateOnce();
      await ev.stop();
      expect(report.errors).toEqual([]);
      const byKind = Object.fromEntries(report.fired.map((f) => [f.kind, f]));
      expect(Object.keys(byKind).sort()).toEqual(["error_rate_spike", "unpriced_model"]);
      expect(byKind.error_rate_spike!.details).toMatchObject({ requests: 40, errors: 20 });
      expect(byKind.unpriced_model!.details).toMatchObject({
        provider: "acme",
        model: "acme-new-1",
        requests: 3,
      });
      expect(hook.received).toHaveLength(2);
    } finally {
      await hook.close();
    }
  });
});

describe("leader lock and timer", () => {
  it("evaluates in one process only, and runs on its own every interval", async () => {
    const clock = { now: new Date(Date.UTC(2026, 5, 11)) };
    const a = evaluator(clock);
    const b = evaluator(clock);
    expect((await a.evaluateOnce()).leader).toBe(true);
    expect((await b.evaluateOnce()).leader).toBe(false);
    await a.stop(); // releases the lease
    expect((await b.evaluateOnce()).leader).toBe(true);

    const ownKv = createMemoryKvStore();
    const reports: boolean[] = [];
    const timed = evaluator(clock, { intervalMs: 1000, kv: ownKv, onReport: (r) => reports.push(r.leader) });
    timed.start();
    await new Promise((r) => setTimeout(r, 2500));
    await timed.stop();
    // At once, then every interval.
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.length).toBeLessThanOrEqual(3);
    expect(reports.every(Boolean)).toBe(true);
    await ownKv.close();
  });
});
