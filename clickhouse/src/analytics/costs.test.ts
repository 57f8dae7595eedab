import { Generation } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertGenerations } from "../generations.ts";
import { rebuildAnalyticsRollups } from "./analytics-rollups.ts";
import { OTHER_GROUP } from "./cost-shape.ts";
import { costReport } from "./costs.ts";
import { type AnalyticsStore, chTime, runCommand } from "./sql.ts";
import { openTestStore } from "./test-db.ts";

let store: AnalyticsStore;
let cleanup: () => Promise<void>;
const DAY = 86_400_000;
const start = Date.UTC(2026, 2, 1); // 2026-03-01
const models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "mystery-model"];
const all: Generation[] = [];

beforeAll(async () => {
  ({ store, cleanup } = await openTestStore());
  for (let i = 0; i < 600; i++) {
    const model = models[i % 4]!;
    const unpriced = model === "mystery-model";
    const input = 100 + (i % 50) * 10;
    const cacheRead = i % 3 === 0 ? 50 : 0;
    const output = 40 + (i % 7) * 5;
    const reasoning = i % 5 === 0 ? 10 : 0;
    const cost = unpriced
      ? null
      : { total: input * 1000 + output * 4000 + i, input: input * 1000, output: output * 4000 + i };
    all.push(
      Generation.parse({
        id: `g${i}`,
        projectId: i % 10 === 9 ? "other" : "p1",
        status: i % 13 === 0 ? "error" : "complete",
        userId: `u${i % 6}`,
        functionId: `f${i % 3}`,
        tags: i % 4 === 0 ? ["beta", "eu"] : i % 4 === 1 ? ["eu"] : [],
        provider: model.startsWith("claude") ? "anthropic" : "openai",
        model,
        usage: {
          inputTokens: input,
          outputTokens: output,
          cacheReadTokens: cacheRead,
          reasoningTokens: reasoning,
        },
        cost,
        unpriced,
        cacheHit: i % 11 === 0,
        costSavedNanos: i % 11 === 0 ? 5000 : 0,
        startedAt: new Date(start + ((i * 7919) % (20 * 24)) * 3_600_000 + (i % 60) * 60_000),
      }),
    );
  }
  // Calls aborted or failed before the provider sent usage: unpriced with no usage at all, on a
  // priced model and on the unpriced one (their cost is unknown whatever the catalog says).
  for (let i = 0; i < 30; i++) {
    const model = i % 2 ? "claude-sonnet-4-5" : "mystery-model";
    all.push(
      Generation.parse({
        id: `nu${i}`,
        projectId: i % 10 === 9 ? "other" : "p1",
        status: i % 3 ? "aborted" : "error",
        userId: `u${i % 6}`,
        functionId: `f${i % 3}`,
        tags: i % 4 === 0 ? ["eu"] : [],
        provider: i % 2 ? "anthropic" : "openai",
        model,
        cost: null,
        unpriced: true,
        startedAt: new Date(start + ((i * 7919) % (20 * 24)) * 3_600_000 + 30 * 60_000),
      }),
    );
  }
  // A pending record that must never count.
  all.push(
    Generation.parse({
      id: "pending-1",
      projectId: "p1",
      status: "pending",
      model: "gpt-4o",
      startedAt: new Date(start + 15 * DAY),
    }),
  );
  await insertGenerations(store, all);
});
afterAll(async () => cleanup());

function expected(filter: (g: Generation) => boolean) {
  const gs = all.filter((g) => g.status !== "pending" && filter(g));
  return {
    requests: gs.length,
    cost: gs.reduce((s, g) => s + BigInt(g.cost?.total ?? 0), 0n),
    unpriced: gs.filter((g) => g.unpriced).length,
    noUsage: gs.filter((g) => g.unpriced && Object.values(g.usage).every((n) => n === 0)).length,
    saved: gs.reduce((s, g) => s + BigInt(g.costSavedNanos), 0n),
    cacheRead: gs.reduce((s, g) => s + g.usage.cacheReadTokens, 0),
  };
}

const inRange = (g: Generation, from: number, to: number) =>
  g.startedAt.getTime() >= from && g.startedAt.getTime() < to;

describe("costReport", () => {
  it("matches a raw recount per group, with the previous period and totals", async () => {
    const from = start + 10 * DAY;
    const to = start + 20 * DAY;
    const r = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "model",
    });
    const cur = (g: Generation) => g.projectId === "p1" && inRange(g, from, to);
    const prev = (g: Generation) => g.projectId === "p1" && inRange(g, from - 10 * DAY, from);
    const e = expected(cur);
    expect(r.totals.requests).toBe(e.requests);
    expect(r.totals.costNanos).toBe(e.cost);
    expect(r.totals.unpricedRequests).toBe(e.unpriced);
    expect(r.totals.savedNanos).toBe(e.saved);
    expect(r.totals.cacheReadTokens).toBe(e.cacheRead);
    expect(r.previous.costNanos).toBe(expected(prev).cost);
    for (const g of r.groups) {
      expect(g.costNanos).toBe(expected((x) => cur(x) && x.model === g.group).cost);
      expect(g.previousCostNanos).toBe(expected((x) => prev(x) && x.model === g.group).cost);
      expect(g.deltaNanos).toBe(g.costNanos - g.previousCostNanos);
    }
    expect(r.groups.map((g) => g.group).sort()).toEqual([...models].sort());
    // Buckets sum to the totals, and unpriced usage is named.
    expect(r.rows.reduce((s, x) => s + x.costNanos, 0n)).toBe(e.cost);
    expect(r.buckets).toHaveLength(10);
    // Calls without usage are counted apart, not as a model lacking a price.
    expect(e.noUsage).toBeGreaterThan(0);
    expect(r.noUsage).toBe(e.noUsage);
    expect(r.unpriced).toEqual([
      { provider: "openai", model: "mystery-model", requests: e.unpriced - e.noUsage },
    ]);
    expect(r.tokenMix.cacheRead).toBe(e.cacheRead);
  });

  it("groups by tag (a generation under each of its tags) with totals counted once", async () => {
    const from = start;
    const to = start + 20 * DAY;
    const r = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "week",
      groupBy: "tag",
    });
    const cur = (g: Generation) => g.projectId === "p1" && inRange(g, from, to);
    expect(r.totals.costNanos).toBe(expected(cur).cost);
    const byTag = Object.fromEntries(r.groups.map((g) => [g.group, g.costNanos]));
    expect(byTag.eu).toBe(expected((g) => cur(g) && g.tags.includes("eu")).cost);
    expect(byTag.beta).toBe(expected((g) => cur(g) && g.tags.includes("beta")).cost);
    expect(byTag[""]).toBe(expected((g) => cur(g) && g.tags.length === 0).cost);
    const filtered = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "function",
      filter: { tag: "beta", model: "gpt-4o" },
    });
    expect(filtered.totals.costNanos).toBe(
      expected((g) => cur(g) && g.tags.includes("beta") && g.model === "gpt-4o").cost,
    );
    // One tag: the calls without usage of that tag only (tags kept as an array there).
    const eu = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "model",
      filter: { tag: "eu" },
    });
    const euExpected = expected((g) => cur(g) && g.tags.includes("eu"));
    expect(euExpected.noUsage).toBeGreaterThan(0);
    expect(eu.noUsage).toBe(euExpected.noUsage);
    expect(eu.unpriced.reduce((n, u) => n + u.requests, 0)).toBe(euExpected.unpriced - euExpected.noUsage);
  });

  it("hourly buckets, all projects, and top-N rows with (other)", async () => {
    const from = start + 2 * DAY + 3_600_000 * 5;
    const to = from + 2 * DAY;
    const r = await costReport(store, {
      from: new Date(from),
      to: new Date(to),
      granularity: "hour",
      groupBy: "user",
      rows: "top",
      topN: 2,
    });
    expect(r.totals.costNanos).toBe(expected((g) => inRange(g, from, to)).cost);
    expect(r.buckets).toHaveLength(48);
    expect(new Set(r.rows.map((x) => x.group))).toEqual(
      new Set([...r.groups.slice(0, 2).map((g) => g.group), OTHER_GROUP]),
    );
    expect(r.rows.reduce((s, x) => s + x.costNanos, 0n)).toBe(r.totals.costNanos);
  });

  it("groups by user from the per-user table, and by user with a model filter from the user x model one", async () => {
    const from = start;
    const to = start + 20 * DAY;
    const cur = (g: Generation) => g.projectId === "p1" && inRange(g, from, to);
    const byUser = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "user",
    });
    const filtered = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "user",
      filter: { model: "gpt-4o" },
    });
    for (const g of byUser.groups)
      expect(g.costNanos).toBe(expected((x) => cur(x) && x.userId === g.group).cost);
    for (const g of filtered.groups) {
      expect(g.costNanos).toBe(expected((x) => cur(x) && x.userId === g.group && x.model === "gpt-4o").cost);
    }
    expect(byUser.groupCount).toBe(6);
    // One user's spend by model (the user x model table) still names the unpriced model's provider.
    const ofUser = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "model",
      filter: { userId: "u1" },
    });
    for (const g of ofUser.groups)
      expect(g.costNanos).toBe(expected((x) => cur(x) && x.userId === "u1" && x.model === g.group).cost);
    const ofU1 = expected((x) => cur(x) && x.userId === "u1");
    expect(ofU1.unpriced - ofU1.noUsage).toBeGreaterThan(0);
    expect(ofUser.unpriced).toEqual([
      { provider: "openai", model: "mystery-model", requests: ofU1.unpriced - ofU1.noUsage },
    ]);
    expect(ofUser.noUsage).toBe(ofU1.noUsage);
    const top = await costReport(store, {
      projectId: "p1",
      from: new Date(from),
      to: new Date(to),
      granularity: "day",
      groupBy: "user",
      rows: "top",
    });
    expect(top.totals).toEqual(byUser.totals);
    expect(top.movers).toEqual(byUser.movers);
  });

  it("recomputes the calls without usage with the other narrow rollups", async () => {
    const from = start;
    const to = start + 20 * DAY;
    const query = { projectId: "p1", from: new Date(from), to: new Date(to), granularity: "day" as const };
    const want = expected((g) => g.projectId === "p1" && inRange(g, from, to)).noUsage;
    // A stray count (as a second writer's race would leave) is gone after the rebuild.
    await runCommand(
      store,
      `INSERT INTO generation_no_usage_hourly (project_id, hour, provider, model, requests)
       VALUES ('p1', {hour:DateTime64(3, 'UTC')}, 'openai', 'gpt-4o', 7)`,
      { hour: chTime(new Date(start + 5 * DAY)) },
    );
    expect((await costReport(store, { ...query, groupBy: "model" })).noUsage).toBe(want + 7);
    await rebuildAnalyticsRollups(store, { from: new Date(from), to: new Date(to) });
    expect((await costReport(store, { ...query, groupBy: "model" })).noUsage).toBe(want);
  });

  it("rejects a bad query", async () => {
    await expect(
      costReport(store, {
        from: new Date(start),
        to: new Date(start + DAY),
        granularity: "day",
        groupBy: "user",
        filter: { tag: "eu" },
      }),
    ).rejects.toThrow(/tag and user/);
    await expect(
      costReport(store, {
        from: new Date(start),
        to: new Date(start + DAY),
        granularity: "day",
        groupBy: "nope" as never,
      }),
    ).rejects.toThrow(/groupBy/);
  });
});
