// Costs benchmark: the queries behind the costs page (and the API / CSV export, the budgets page and
// the alert evaluator) at 1M and 10M generations in embedded ClickHouse.
//   node bench/costs.ts [--sizes 1000000,10000000] [--runs 5] [--write] [--keep DIR]
// Data: seeded in SQL with INSERT ... SELECT FROM numbers() straight into the raw table, so the real
// materialized views fill the rollups as in production; 90 days, 10,000 users (skewed: a few heavy
// ones), 8 models, 8 functions, 30% tagged, 5% errors, 1% unpriced, 4% cache hits. Light rows (short
// prompt text): the costs queries never read bodies. The rollups are merged (OPTIMIZE FINAL) before
// measuring, as a long-running store's would be. Each query: one warm-up, then the median of
// `--runs`. `--write` replaces the "Costs" section of BENCHMARKS.md. `--keep DIR` keeps the data in
// DIR/<size> and reuses it on the next run (seeding 10M takes minutes). Goal: < 200 ms at 10M.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import {
  abuseReport,
  budgetSpend,
  costReport,
  createBudget,
  createClickHouse,
  execute,
  queryRows,
  type Store,
  spendInWindows,
  spikeWindows,
} from "../clickhouse/src/index.ts";
import { settleMerges } from "./settle.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const SIZES = arg("sizes", "1000000,10000000").split(",").map(Number);
const RUNS = Number(arg("runs", "5"));
const END = Date.UTC(2026, 10, 1); // data ends here; "now" for the queries
const DAY = 86_400_000;
const CHUNK = 1_000_000;

/** Inserts `count` synthetic generations (ids `offset..`) spread over 90 days before END. */
async function seed(store: Store, count: number): Promise<void> {
  const spanMs = 90 * DAY;
  for (let offset = 0; offset < count; offset += CHUNK) {
    const n = Math.min(CHUNK, count - offset);
    await execute(
      store,
      `INSERT INTO generations (id, project_id, status, version, operation, user_id, function_id, tags, provider, model,
         response_model, prompt_text, finish_reason, input_tokens, output_tokens, cache_read_tokens, reasoning_tokens,
         has_cost, cost_total, cost_input, cost_output, cost_cache_read, cost_reasoning, unpriced, price_entry,
         cache_hit, cost_saved_nanos, started_at, latency_ms)
       SELECT
         concat('bench-', toString(number)) AS id,
         'default',
         if(h1 % 20 = 0, 'error', 'complete'),
         20000000000000 + 1,
         'generateText',
         concat('user-', toString(toUInt32(pow((h2 % 1000000) / 1000000, 3) * 10000))) AS user_id,
         ['support-reply', 'summarise-ticket', 'classify', 'draft-email', 'search', 'chat', 'extract', 'translate'][f + 1] AS function_id,
         multiIf(h3 % 10 < 2, ['beta'], h3 % 10 < 3, ['beta', 'eu'], []) AS tags,
         ['openai', 'openai', 'openai', 'anthropic', 'anthropic', 'google', 'google', 'mistral'][m + 1] AS provider,
         ['gpt-4o', 'gpt-4o-mini', 'o3', 'claude-sonnet-4', 'claude-haiku-4', 'gemini-2.5-pro', 'gemini-2.5-flash', 'mistral-large'][m + 1] AS model,
         model,
         concat('question ', toString(h4 % 50000)) AS prompt_text,
         if(h1 % 20 = 0, 'error', 'stop'),
         200 + h4 % 3000 AS input_tokens,
         50 + h5 % 800 AS output_tokens,
         if(h5 % 3 = 0, intDiv(input_tokens, 2), 0) AS cache_read_tokens,
         if(m = 2, intDiv(output_tokens, 3), 0) AS reasoning_tokens,
         NOT unpriced_ AS has_cost,
         if(unpriced_ OR cache_hit_, 0, input_tokens * (500 + m * 300) + output_tokens * (2000 + m * 1000)) AS cost_total,
         if(unpriced_ OR cache_hit_, 0, input_tokens * (500 + m * 300)),
         if(unpriced_ OR cache_hit_, 0, output_tokens * (2000 + m * 1000)),
         0, 0,
         h1 % 100 = 7 AS unpriced_,
         if(unpriced_, '', concat(provider, '/', model)),
         h3 % 25 = 1 AND NOT unpriced_ AS cache_hit_,
         if(cache_hit_, input_tokens * (500 + m * 300) + output_tokens * (2000 + m * 1000), 0),
         toDateTime64({end:UInt64} / 1000 - (h6 % {span:UInt64}) / 1000, 3, 'UTC') AS started_at,
         300 + h5 % 5000
       FROM (
         SELECT number, cityHash64(number, 1) AS h1, cityHash64(number, 2) AS h2, cityHash64(number, 3) AS h3,
           cityHash64(number, 4) AS h4, cityHash64(number, 5) AS h5, cityHash64(number, 6) AS h6,
           -- each function calls one model, 10% fall back to another
           h2 % 8 AS f, if(h3 % 10 = 0, (f + 3) % 8, [0, 1, 1, 3, 6, 5, 4, 7][f + 1]) AS m
         FROM numbers({offset:UInt64}, {n:UInt64})
       )
       SETTINGS insert_deduplicate = 0`,
      { offset: offset + 0, n, end: END, span: spanMs },
    );
    process.stdout.write(`\r  seeded ${(offset + n).toLocaleString("en")}   `);
  }
  process.stdout.write("\n");
}

/**
 * Waits for background merges, then merges the rollups fully: the seed writes each rollup key once
 * per 1M-row chunk, where steady-state production has long since merged its small inserts.
 */
async function settle(store: Store): Promise<void> {
  await settleMerges(store, 300_000);
  // OPTIMIZE is a no-op while a merge of the table runs, hence the wait before.
  for (const table of [
    "generation_rollups_hourly",
    "generation_rollups_daily",
    "generation_rollups_dims_hourly",
    "generation_rollups_users_daily",
    "generation_rollups_tags_hourly",
  ]) {
    await execute(store, `OPTIMIZE TABLE ${table} FINAL`);
  }
  await settleMerges(store, 300_000);
}

/** Median and best of `RUNS` runs after a warm-up (the best shows the query without contention). */
async function time(fn: () => Promise<unknown>): Promise<{ median: number; best: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, best: samples[0]! };
}

const now = new Date(END);
const QUERIES: Array<{ name: string; page: boolean; run: (store: Store) => Promise<unknown> }> = [
  {
    name: "costs page, 30 days by model, daily",
    page: true,
    run: (s) =>
      costReport(s, {
        from: new Date(END - 30 * DAY),
        to: now,
        granularity: "day",
        groupBy: "model",
        rows: "top",
      }),
  },
  {
    name: "costs page, 30 days by user, daily",
    page: true,
    run: (s) =>
      costReport(s, {
        from: new Date(END - 30 * DAY),
        to: now,
        granularity: "day",
        groupBy: "user",
        rows: "top",
      }),
  },
  {
    name: "costs page, 30 days by function, filtered to one model",
    page: true,
    run: (s) =>
      costReport(s, {
        from: new Date(END - 30 * DAY),
        to: now,
        granularity: "day",
        groupBy: "function",
        filter: { model: "gpt-4o" },
        rows: "top",
      }),
  },
  {
    name: "costs page, 30 days by tag, daily",
    page: true,
    run: (s) =>
      costReport(s, {
        from: new Date(END - 30 * DAY),
        to: now,
        granularity: "day",
        groupBy: "tag",
        rows: "top",
      }),
  },
  {
    name: "costs page, 90 days by model, weekly",
    page: true,
    run: (s) =>
      costReport(s, {
        from: new Date(END - 90 * DAY),
        to: now,
        granularity: "week",
        groupBy: "model",
        rows: "top",
      }),
  },
  {
    name: "costs page, last 24 h by model, hourly",
    page: true,
    run: (s) =>
      costReport(s, {
        from: new Date(END - DAY),
        to: now,
        granularity: "hour",
        groupBy: "model",
        rows: "top",
      }),
  },
  {
    name: "API / CSV, 30 days by user, daily, every row",
    page: false,
    run: (s) =>
      costReport(s, { from: new Date(END - 30 * DAY), to: now, granularity: "day", groupBy: "user" }),
  },
  {
    name: "budgets page, 20 budgets (spend this period)",
    page: false,
    run: (s) => budgetSpend(s, budgets, now),
  },
  {
    name: "evaluator, cost-spike windows (11 x 1 h, raw)",
    page: false,
    run: (s) => spendInWindows(s, { projectId: "default", windows: spikeWindows(now) }),
  },
  {
    name: "abuse page, last 24 h (raw, 7-day baseline)",
    page: false,
    run: (s) => abuseReport(s, { projectId: "default", from: new Date(END - DAY), to: now }),
  },
];
let budgets: Awaited<ReturnType<typeof createBudget>>[] = [];

const KEEP = process.argv.includes("--keep") ? arg("keep", "") : "";
const Count = z.object({ n: z.coerce.number() });
const results: Array<{
  size: number;
  seedMs: number | null;
  rollupRows: number;
  timings: Array<{ median: number; best: number }>;
}> = [];
for (const size of SIZES) {
  const dir = KEEP ? join(KEEP, String(size)) : mkdtempSync(join(tmpdir(), "genledger-bench-costs-"));
  const store = await createClickHouse({ url: "", dataDir: dir });
  try {
    console.log(`costs bench: ${size.toLocaleString("en")} generations in ${dir}`);
    const [stored] = await queryRows(store, "SELECT count() AS n FROM generations", Count);
    let seedMs: number | null = null;
    if (stored?.n !== size) {
      if ((stored?.n ?? 0) > 0)
        throw new Error(`${dir} holds ${stored?.n} generations, not ${size}: remove it`);
      const t0 = performance.now();
      await seed(store, size);
      await settle(store);
      seedMs = performance.now() - t0;
    }
    await execute(store, "TRUNCATE TABLE budgets");
    budgets = [];
    for (let i = 0; i < 20; i++) {
      const scopes = [
        { scope: "all" as const, scopeValue: "" },
        { scope: "user" as const, scopeValue: `user-${i}` },
        { scope: "model" as const, scopeValue: "gpt-4o" },
        { scope: "tag" as const, scopeValue: "beta" },
      ];
      budgets.push(
        await createBudget(store, {
          projectId: "default",
          createdBy: "bench",
          name: `b${i}`,
          period: (["day", "week", "month"] as const)[i % 3]!,
          amountNanos: 100_000_000_000n,
          ...scopes[i % 4]!,
        }),
      );
    }
    const [rollup] = await queryRows(store, "SELECT count() AS n FROM generation_rollups_hourly", Count);
    const timings: Array<{ median: number; best: number }> = [];
    for (const q of QUERIES) {
      const ms = await time(() => q.run(store));
      timings.push(ms);
      console.log(`  ${q.name}: ${ms.median.toFixed(1)} ms (best ${ms.best.toFixed(1)})`);
    }
    results.push({ size, seedMs, rollupRows: rollup?.n ?? 0, timings });
  } finally {
    await store.close();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString());
const header = `| query | ${results.map((r) => `${(r.size / 1e6).toLocaleString("en")}M generations`).join(" | ")} |`;
const section = [
  "## Costs",
  "",
  "Queries behind the costs page (`costReport`, read from the rollups), the JSON API / CSV export, the",
  "budgets page and two raw-table reads of the alert evaluator and the abuse page, in embedded",
  "ClickHouse (chDB). Data seeded in SQL (`INSERT ... SELECT FROM numbers()` into the raw table, the",
  "materialized views fill the rollups, then merged): 90 days, 10,000 skewed users, 8 models, 8 functions,",
  "30% tagged.",
  `Milliseconds: median of ${RUNS} runs after a warm-up, (best run) in brackets. Goal: costs page < 200 ms at 10M.`,
  "",
  header,
  `| --- | ${results.map(() => "---:").join(" | ")} |`,
  ...QUERIES.map(
    (q, i) =>
      `| ${q.page ? "**" : ""}${q.name}${q.page ? "**" : ""} | ${results.map((r) => `${fmt(r.timings[i]!.median)} (${fmt(r.timings[i]!.best)})`).join(" | ")} |`,
  ),
  "",
  `Hourly rollup rows: ${results.map((r) => `${r.rollupRows.toLocaleString("en")} (${(r.size / 1e6).toLocaleString("en")}M)`).join(", ")}.`,
  `Seeding (insert + merges): ${results.map((r) => `${r.seedMs === null ? "reused from an earlier --keep run" : `${(r.seedMs / 1000).toFixed(0)} s`} (${(r.size / 1e6).toLocaleString("en")}M)`).join(", ")}.`,
  `Machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? "cpu"}, Node ${process.version}; load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")} (the machine is shared: other processes compete for the cores).`,
  "",
  "Command:",
  "",
  "```sh",
  `node bench/costs.ts --sizes ${SIZES.join(",")} --runs ${RUNS} --write`,
  "```",
  "",
].join("\n");
console.log(`\n${section}`);

if (process.argv.includes("--write")) {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "# Benchmarks\n\n";
  }
  const start = text.indexOf("## Costs");
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + 1);
    text = text.slice(0, start) + section + (next < 0 ? "" : text.slice(next + 1));
  }
  writeFileSync(path, text);
}
process.exit(0);
