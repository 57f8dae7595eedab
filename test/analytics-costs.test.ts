// Costs end to end: the JSON API and its CSV export through the built dashboard, the budget forecast
// against a hand computation, and the rollups against a raw recount before and after a reprice.
import {
  budgetStatuses,
  costReport,
  createApiKey,
  createBudget,
  insertGenerations,
  queryRows,
  repriceGenerations,
  type Store,
} from "@genledger/clickhouse";
import type { Generation, PriceEntry } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { gen, openStore, seededRandom } from "./analytics-fixtures.ts";
import { ADMIN, type DashboardFixture, seed, signIn, startDashboard } from "./support/seed-dashboard.ts";

const DAY = 86_400_000;
const USD = 1_000_000_000;

/** What the tests read of `GET /api/v1/costs`. */
interface CostsBody {
  totals: { requests: number; costNanos: string; unpricedRequests: number };
  unpriced: unknown[];
  rows: Array<{
    bucket: string;
    group: string;
    requests: number;
    costNanos: string;
    unpricedRequests: number;
    savedNanos: string;
  }>;
}

/** A tiny RFC 4180 reader (quoted cells, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r") {
      // part of \r\n
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  return rows;
}

function traffic(now: number, count: number): Generation[] {
  const random = seededRandom(3);
  const models = [
    ["openai", "gpt-4o"],
    ["openai", "gpt-4o-mini"],
    ["anthropic", "claude-sonnet-4-5"],
    ["acme", "widget-1"],
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    const [provider, model] = models[i % models.length]!;
    const unpriced = model === "widget-1" && i % 8 === 3;
    const input = 200 + Math.floor(random() * 2000);
    const output = 50 + Math.floor(random() * 500);
    const total = input * 2500 + output * 10_000;
    return gen({
      projectId: "default",
      startedAt: new Date(now - 2 * 60_000 - Math.floor(random() * 28 * DAY)),
      userId: i % 7 === 0 ? "=cmd|' /C calc'!A0" : `user-${i % 9}`,
      functionId: ["chat", "summarize", "search"][i % 3],
      tags: i % 4 === 0 ? ["beta", "eu"] : i % 4 === 1 ? ["eu"] : [],
      provider,
      model,
      status: i % 15 === 0 ? "error" : "complete",
      usage: { inputTokens: input, outputTokens: output, cacheReadTokens: i % 5 === 0 ? 100 : 0 },
      cost: unpriced ? null : { total, input: input * 2500, output: output * 10_000 },
      unpriced,
      cacheHit: i % 23 === 0,
      costSavedNanos: i % 23 === 0 ? total : 0,
    });
  });
}

const Recount = z.object({
  k: z.string(),
  requests: z.coerce.number(),
  cost: z.string(),
  saved: z.string(),
  unpriced: z.coerce.number(),
});

/** Each rollup vs a recount of the raw table (latest version per id, real outcomes only). */
async function rollupsVsRaw(store: Store): Promise<Array<{ table: string; rollup: unknown; raw: unknown }>> {
  const latest = "(SELECT * FROM generations ORDER BY version DESC LIMIT 1 BY id)";
  const final = "status IN ('complete', 'error', 'aborted')";
  const all = "user_id, '|', model, '|', provider, '|', function_id, '|', toString(status)";
  const dims = "model, '|', provider, '|', function_id, '|', toString(status)";
  const hour = "toString(toStartOfHour(started_at))";
  const tagJoin = "ARRAY JOIN if(empty(tags), [''], arrayDistinct(tags)) AS tag";
  const out = [];
  for (const [table, key, rawKey, join] of [
    ["generation_rollups_hourly", `toString(hour), '|', ${all}`, `${hour}, '|', ${all}`, ""],
    [
      "generation_rollups_daily",
      `toString(day), '|', ${all}`,
      `toString(toDate(started_at)), '|', ${all}`,
      "",
    ],
    [
      "generation_rollups_user_model_daily",
      "toString(day), '|', user_id, '|', model",
      "toString(toDate(started_at)), '|', user_id, '|', model",
      "",
    ],
    ["generation_rollups_dims_hourly", `toString(hour), '|', ${dims}`, `${hour}, '|', ${dims}`, ""],
    [
      "generation_rollups_users_daily",
      "toString(day), '|', user_id",
      "toString(toDate(started_at)), '|', user_id",
      "",
    ],
    [
      "generation_rollups_tags_hourly",
      `toString(hour), '|', tag, '|', ${dims}`,
      `${hour}, '|', tag, '|', ${dims}`,
      tagJoin,
    ],
  ] as const) {
    const rollup = await queryRows(
      store,
      `SELECT concat(${key}) AS k, sum(requests) AS requests, toString(sum(cost_total)) AS cost,
         toString(sum(cost_saved_nanos)) AS saved, sum(unpriced_requests) AS unpriced
       FROM ${table} GROUP BY k HAVING requests > 0 ORDER BY k`,
      Recount,
    );
    const raw = await queryRows(
      store,
      `SELECT concat(${rawKey}) AS k, count() AS requests, toString(sum(cost_total)) AS cost,
         toString(sum(cost_saved_nanos)) AS saved, countIf(unpriced) AS unpriced
       FROM ${latest} ${join} WHERE ${final} GROUP BY k ORDER BY k`,
      Recount,
    );
    out.push({ table, rollup, raw });
  }
  return out;
}

describe("costs API and CSV export", () => {
  let fx: DashboardFixture;
  let key: string;
  const now = Date.now();
  let seeded: Generation[];

  beforeAll(async () => {
    fx = await startDashboard();
    seeded = traffic(now, 1500);
    await seed(fx.store, seeded);
    key = (
      await createApiKey(fx.store, {
        projectId: "default",
        name: "finance export",
        scope: "read",
        createdBy: ADMIN.email,
      })
    ).key;
  });
  afterAll(async () => fx?.close());

  const api = (path: string, auth = true) =>
    fetch(`${fx.url}${path}`, { headers: auth ? { Authorization: `Bearer ${key}` } : {} });

  it("serves exact numbers to a read key, and the CSV has the same rows", async () => {
    const from = new Date(now - 28 * DAY).toISOString().slice(0, 10);
    const to = new Date(now + DAY).toISOString().slice(0, 10);
    for (const groupBy of ["model", "user", "tag"]) {
      const query = `group_by=${groupBy}&from=${from}&to=${to}&granularity=day`;
      const response = await api(`/api/v1/costs?${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toContain("no-store");
      const body = (await response.json()) as CostsBody;
      const csvResponse = await api(`/api/v1/costs.csv?${query}`);
      expect(csvResponse.headers.get("content-type")).toContain("text/csv");
      expect(csvResponse.headers.get("content-disposition")).toMatch(
        /attachment; filename="genledger-costs-/,
      );
      const [header, ...lines] = parseCsv(await csvResponse.text());
      expect(header).toEqual([
        "bucket",
        "group_by",
        "group",
        "requests",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "reasoning_tokens",
        "cost_nanos",
        "cost_usd",
        "unpriced_requests",
        "cache_hits",
        "saved_nanos",
      ]);
      expect(lines.length).toBe(body.rows.length);
      expect(lines.length).toBeGreaterThan(10);
      lines.forEach((cells, i) => {
        const row = body.rows[i]!;
        const group = cells[2]!.startsWith("'=") ? cells[2]!.slice(1) : cells[2];
        expect([cells[0], cells[1], group, Number(cells[3]), cells[9], Number(cells[11]), cells[13]]).toEqual(
          [row.bucket, groupBy, row.group, row.requests, row.costNanos, row.unpricedRequests, row.savedNanos],
        );
        // Exact dollars: nano-dollars with the point moved nine places.
        expect(cells[10]!.replace(".", "").replace(/^0+(?=\d)/, "")).toBe(
          row.costNanos === "0" ? "0" : row.costNanos,
        );
      });
      // The API's numbers are the raw recount.
      const inRange = seeded.filter(
        (g) => g.startedAt.getTime() >= Date.parse(from) && g.startedAt.getTime() < Date.parse(to) + DAY,
      );
      const finals = inRange.filter((g) => g.status !== "pending");
      expect(body.totals.requests).toBe(finals.length);
      expect(body.totals.costNanos).toBe(String(finals.reduce((s, g) => s + BigInt(g.cost?.total ?? 0), 0n)));
      expect(body.totals.unpricedRequests).toBe(finals.filter((g) => g.unpriced).length);
      expect(body.unpriced).toEqual([
        { provider: "acme", model: "widget-1", requests: finals.filter((g) => g.unpriced).length },
      ]);
    }
  });

  it("defuses spreadsheet formulas in the CSV", async () => {
    const csv = await (await api(`/api/v1/costs.csv?group_by=user&range=30d&granularity=week`)).text();
    expect(csv).toContain(`,'=cmd|' /C calc'!A0,`);
    expect(csv).not.toMatch(/,=cmd/);
  });

  it("takes a session too, refuses strangers and names a bad parameter", async () => {
    const admin = await signIn(fx.url, ADMIN.email, ADMIN.password);
    expect((await admin.get("/api/v1/costs?group_by=function&range=7d")).status).toBe(200);
    expect((await api("/api/v1/costs", false)).status).toBe(401);
    const bad = await api("/api/v1/costs?group_by=planet");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^group_by: expected one of/,
    );
  });

  it("keeps every rollup equal to a raw recount, also after a reprice", async () => {
    for (const r of await rollupsVsRaw(fx.store)) expect(r.rollup, r.table).toEqual(r.raw);
    const entry: PriceEntry = {
      id: "acme/widget-1@corrected",
      provider: "acme",
      match: ["widget-1"],
      input: "1.00",
      output: "3.00",
      effectiveFrom: "2020-01-01",
    };
    const hour = (t: number) => new Date(Math.floor(t / 3_600_000) * 3_600_000);
    const from = hour(now - 20 * DAY);
    const to = hour(now - 5 * DAY);
    const started = Date.now();
    const result = await repriceGenerations(fx.store, {
      projectId: "default",
      entry,
      from,
      to,
      actor: ADMIN.email,
    });
    console.info(`reprice of ${result.generations} generations took ${Date.now() - started} ms`);
    expect(result.generations).toBeGreaterThan(50);
    expect(result.afterNanos).not.toBe(result.beforeNanos);
    for (const r of await rollupsVsRaw(fx.store)) expect(r.rollup, `${r.table} after reprice`).toEqual(r.raw);
    // The costs report follows.
    const report = await costReport(fx.store, {
      projectId: "default",
      from,
      to,
      granularity: "hour",
      groupBy: "model",
    });
    const widget = report.groups.find((g) => g.group === "widget-1")!;
    expect(widget.unpricedRequests).toBe(0);
  });
});

describe("budget forecast", () => {
  it("matches a hand computation from stored spend", async () => {
    const { store, cleanup } = await openStore();
    try {
      // April: $10 per day on April 1-10 (partly user "ana"), plus March spend that must not count.
      const gens: Generation[] = [];
      for (let d = 0; d < 10; d++) {
        for (let k = 0; k < 4; k++) {
          gens.push(
            gen({
              userId: k === 0 ? "ana" : "bo",
              startedAt: new Date(Date.UTC(2026, 3, 1 + d, 6 * k + 1)),
              cost: { total: 2.5 * USD },
            }),
          );
        }
      }
      gens.push(
        gen({ userId: "ana", startedAt: new Date(Date.UTC(2026, 2, 31, 23)), cost: { total: 99 * USD } }),
      );
      await insertGenerations(store, gens);
      const month = await createBudget(store, {
        projectId: "p1",
        createdBy: "f",
        name: "April",
        scope: "all",
        period: "month",
        amountNanos: BigInt(250 * USD),
      });
      const ana = await createBudget(store, {
        projectId: "p1",
        createdBy: "f",
        name: "Ana",
        scope: "user",
        scopeValue: "ana",
        period: "month",
        amountNanos: BigInt(20 * USD),
      });
      const now = new Date(Date.UTC(2026, 3, 11));
      const statuses = await budgetStatuses(store, [month, ana], now);
      const [all, user] = statuses.map((s) => s.status);
      // $100 in 10 days of 30: $10/day, $300 by April 30; $250 runs out after 25 days, on April 26.
      expect(all!.spentNanos).toBe(BigInt(100 * USD));
      expect(all!.projectedNanos).toBe(BigInt(300 * USD));
      expect(all!.projectedExhaustionAt).toEqual(new Date(Date.UTC(2026, 3, 26)));
      expect(all!.crossedThresholds).toEqual([]);
      // Ana: $25 of $20, exceeded.
      expect(user!.spentNanos).toBe(BigInt(25 * USD));
      expect(user!.state).toBe("exceeded");
      expect(user!.projectedExhaustionAt).toBeNull();
    } finally {
      await cleanup();
    }
  });
});
