import { Generation, type PriceEntry } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getGeneration, insertGenerations } from "../generations.ts";
import { queryRows } from "../sql.ts";
import { repriceGenerations } from "./reprice.ts";
import { listRepriceAudit } from "./reprice-audit.ts";
import type { AnalyticsStore } from "./sql.ts";
import { openTestStore } from "./test-db.ts";

let store: AnalyticsStore;
let cleanup: () => Promise<void>;
const start = Date.UTC(2026, 3, 1);
const HOUR = 3_600_000;

const entry: PriceEntry = {
  id: "acme/widget-1@2026-04-01",
  provider: "acme",
  match: ["widget-1"],
  input: "2.00",
  output: "8.00",
  effectiveFrom: "2026-01-01",
};

beforeAll(async () => {
  ({ store, cleanup } = await openTestStore());
  const gens: Generation[] = [];
  for (let i = 0; i < 200; i++) {
    const widget = i % 2 === 0;
    gens.push(
      Generation.parse({
        id: `r${i}`,
        projectId: "p1",
        status: i % 9 === 0 ? "error" : "complete",
        userId: `u${i % 5}`,
        tags: i % 3 === 0 ? ["a", "b"] : [],
        provider: widget ? "acme" : "openai",
        model: widget ? "widget-1" : "gpt-4o",
        usage: { inputTokens: 1000 + i, outputTokens: 100 + i },
        // Half of the widget calls were priced wrong, the other half not at all.
        cost: widget && i % 4 === 0 ? null : { total: 1_000_000 + i, input: 1_000_000 + i },
        unpriced: widget && i % 4 === 0,
        cacheHit: i === 10,
        startedAt: new Date(start + (i % 48) * HOUR + i * 1000),
      }),
    );
  }
  // Pending rows first, then the finals: two versions per id already exist.
  await insertGenerations(
    store,
    gens.map((g) => ({ ...g, status: "pending", cost: null, unpriced: false })),
  );
  await insertGenerations(store, gens);
});
afterAll(async () => cleanup());

const Totals = z.object({
  k: z.string(),
  requests: z.coerce.number(),
  cost: z.string(),
  unpriced: z.coerce.number(),
});

/** Hourly rollup vs a recount of the raw table (latest version per id, final only), per hour x user x model x status. */
async function rollupMismatches(table: string, key: string): Promise<unknown[]> {
  const rollup = await queryRows(
    store,
    `SELECT concat(toString(hour), '|', ${key}) AS k, sum(requests) AS requests, toString(sum(cost_total)) AS cost, sum(unpriced_requests) AS unpriced
     FROM ${table} GROUP BY k HAVING requests > 0 ORDER BY k`,
    Totals,
  );
  const raw = await queryRows(
    store,
    `SELECT concat(toString(toStartOfHour(started_at)), '|', ${key}) AS k, count() AS requests, toString(sum(cost_total)) AS cost, countIf(unpriced) AS unpriced
     FROM (SELECT * FROM generations ORDER BY version DESC LIMIT 1 BY id ${table.includes("tags") ? "" : ""})
     ${table.includes("tags") ? "ARRAY JOIN if(empty(tags), [''], arrayDistinct(tags)) AS tag" : ""}
     WHERE status IN ('complete', 'error', 'aborted') GROUP BY k ORDER BY k`,
    Totals,
  );
  return [rollup, raw];
}

describe("repriceGenerations", () => {
  it("dry run changes nothing", async () => {
    const r = await repriceGenerations(store, {
      entry,
      from: new Date(start),
      to: new Date(start + 48 * HOUR),
      actor: "admin@x",
      dryRun: true,
    });
    expect(r.generations).toBe(100);
    expect((await getGeneration(store, "r2"))?.cost?.total).toBe(1_000_002);
  });

  it("reprices matching finals, keeps the rollups exact and audits the change", async () => {
    const r = await repriceGenerations(store, {
      projectId: "p1",
      entry,
      from: new Date(start),
      to: new Date(start + 48 * HOUR),
      actor: "admin@x",
    });
    // widget-1: even i; the cache hit (i = 10) keeps a zero cost and saves the new price.
    const widget = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 2 === 0);
    const price = (i: number) => (1000 + i) * 2000 + (100 + i) * 8000;
    const expectedAfter = widget.filter((i) => i !== 10).reduce((s, i) => s + BigInt(price(i)), 0n);
    const expectedBefore = widget.filter((i) => i % 4 !== 0).reduce((s, i) => s + BigInt(1_000_000 + i), 0n);
    expect(r).toMatchObject({
      generations: widget.length,
      pricedBefore: widget.filter((i) => i % 4 !== 0).length,
    });
    expect(r.afterNanos).toBe(expectedAfter);
    expect(r.beforeNanos).toBe(expectedBefore);
    expect(r.models).toEqual(["acme/widget-1"]);

    const g = await getGeneration(store, "r4");
    expect(g).toMatchObject({ unpriced: false, priceEntry: entry.id, status: "complete" });
    expect(g?.cost?.total).toBe(1004 * 2000 + 104 * 8000);
    expect(await getGeneration(store, "r10")).toMatchObject({
      cacheHit: true,
      cost: { total: 0 },
      costSavedNanos: price(10),
    });
    expect((await getGeneration(store, "r1"))?.cost?.total).toBe(1_000_001);

    for (const [table, key] of [
      ["generation_rollups_hourly", "concat(user_id, '|', model, '|', toString(status))"],
      [
        "generation_rollups_dims_hourly",
        "concat(model, '|', provider, '|', function_id, '|', toString(status))",
      ],
      ["generation_rollups_tags_hourly", "concat(tag, '|', model, '|', toString(status))"],
    ] as const) {
      const [rollup, raw] = await rollupMismatches(table, key);
      expect(rollup).toEqual(raw);
    }
    const daily = await queryRows(
      store,
      "SELECT toString(sum(cost_total)) AS c FROM generation_rollups_daily",
      z.object({ c: z.string() }),
    );
    const userModel = await queryRows(
      store,
      "SELECT toString(sum(cost_total)) AS c FROM generation_rollups_user_model_daily",
      z.object({ c: z.string() }),
    );
    const recount = await queryRows(
      store,
      "SELECT toString(sum(cost_total)) AS c FROM (SELECT * FROM generations ORDER BY version DESC LIMIT 1 BY id) WHERE status IN ('complete','error','aborted')",
      z.object({ c: z.string() }),
    );
    expect(daily).toEqual(recount);
    expect(userModel).toEqual(recount);

    const audit = await listRepriceAudit(store, { projectId: "p1" });
    expect(audit[0]).toMatchObject({ actor: "admin@x", priceEntry: entry.id, generations: widget.length });
    expect(audit[0]?.afterNanos).toBe(expectedAfter);
  });

  it("rejects a bad entry by field", async () => {
    await expect(
      repriceGenerations(store, {
        entry: { ...entry, input: "abc" },
        from: new Date(start),
        to: new Date(start + HOUR),
        actor: "a",
      }),
    ).rejects.toThrow(/input/);
  });
});

describe("repriceGenerations with calls that reported no usage", () => {
  const later = Date.UTC(2026, 6, 1);
  const gizmo: PriceEntry = {
    id: "acme/gizmo-2@2026-07-01",
    provider: "acme",
    match: ["gizmo-2"],
    input: "1.00",
    output: "4.00",
    effectiveFrom: "2026-01-01",
  };
  const warning = "no token usage reported (aborted before the provider sent usage): cost unknown";

  beforeAll(async () => {
    const base = { projectId: "p3", provider: "acme", model: "gizmo-2", cost: null, unpriced: true };
    await insertGenerations(store, [
      // Recorded before gizmo-2 had a price: usage known, cost not.
      Generation.parse({
        ...base,
        id: "g1",
        status: "complete",
        usage: { inputTokens: 300, outputTokens: 40 },
        startedAt: new Date(later + 1000),
      }),
      // Aborted before the provider sent usage: the cost is unknown whatever the price.
      Generation.parse({
        ...base,
        id: "g2",
        status: "aborted",
        warnings: [warning],
        startedAt: new Date(later + 2000),
      }),
    ]);
  });

  it("prices the unpriced call with usage and leaves the one without usage unknown", async () => {
    const range = { entry: gizmo, from: new Date(later), to: new Date(later + HOUR), actor: "admin@x" };
    const dry = await repriceGenerations(store, { ...range, dryRun: true });
    expect(dry).toMatchObject({ generations: 1, noUsage: 1, afterNanos: 300n * 1000n + 40n * 4000n });

    const r = await repriceGenerations(store, { ...range, projectId: "p3" });
    expect(r).toMatchObject({ generations: 1, pricedBefore: 0, noUsage: 1, skipped: 0 });
    expect(r.afterNanos).toBe(300n * 1000n + 40n * 4000n);
    expect(await getGeneration(store, "g1")).toMatchObject({
      unpriced: false,
      priceEntry: gizmo.id,
      cost: { total: 300 * 1000 + 40 * 4000 },
    });
    expect(await getGeneration(store, "g2")).toMatchObject({
      status: "aborted",
      cost: null,
      unpriced: true,
      priceEntry: "",
      warnings: [warning],
    });

    for (const [table, key] of [
      ["generation_rollups_hourly", "concat(user_id, '|', model, '|', toString(status))"],
      [
        "generation_rollups_dims_hourly",
        "concat(model, '|', provider, '|', function_id, '|', toString(status))",
      ],
    ] as const) {
      const [rollup, raw] = await rollupMismatches(table, key);
      expect(rollup).toEqual(raw);
    }
    const gizmoRollup = await queryRows(
      store,
      `SELECT sum(requests) AS requests, toString(sum(cost_total)) AS cost, sum(unpriced_requests) AS unpriced
       FROM generation_rollups_dims_hourly WHERE project_id = 'p3'`,
      z.object({ requests: z.coerce.number(), cost: z.string(), unpriced: z.coerce.number() }),
    );
    expect(gizmoRollup).toEqual([{ requests: 2, cost: String(300 * 1000 + 40 * 4000), unpriced: 1 }]);
  });
});
