// Store benchmark: loads BENCH_ROWS generations (~2.5 KB each; default 1,000,000) into a fresh
// embedded ClickHouse through insertGenerations (the production insert path, BENCH_BATCH rows per
// insert, default 50,000), then measures getGeneration over 1,000 random IDs and a spend query
// (user x model x day over all rows, for project "bench" as the dashboard asks, then for all
// projects, alternating, after one untimed call each) through spendRollup, median of 5 each; the
// Users page's per-user month from the daily vs the hourly rollups; four list pages.
// Run: npm run bench:store   (BENCH_ROWS=100000 for a quick run; BENCH_KEEP=1 keeps the data dir;
// BENCH_DIR=<dir> BENCH_REUSE=1 measures the reads again on data loaded by an earlier run)
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import {
  createClickHouse,
  getGeneration,
  insertGenerations,
  listGenerations,
  queryRows,
  spendRollup,
} from "../clickhouse/src/index.ts";
import { settleMerges } from "./settle.ts";
import { createGenerationSource } from "./store-data.ts";

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const batchSize = Number(process.env.BENCH_BATCH ?? 50_000);
const lookups = Number(process.env.BENCH_LOOKUPS ?? 1_000);
const days = 30;
const end = new Date(Date.UTC(2026, 10, 1));

const dataDir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "genledger-bench-store-"));
const store = await createClickHouse({ url: "", dataDir });
const source = createGenerationSource({ count: rows, days, end });
const ids: string[] = [];
const idEvery = Math.max(1, Math.floor(rows / 20_000));

console.log(
  `store bench: ${rows.toLocaleString("en")} rows, batches of ${batchSize.toLocaleString("en")}, data in ${dataDir}`,
);
let bytes = 0;
let generateMs = 0;
let insertMs = 0;
let insertCpuMs = 0;
const reuse = process.env.BENCH_REUSE === "1";
const Id = z.object({ id: z.string() });
if (reuse) {
  const sample = await queryRows(
    store,
    "SELECT id FROM generation_ids ORDER BY cityHash64(id) LIMIT 20000",
    Id,
  );
  ids.push(...sample.map((row) => row.id));
  console.log(`  reusing the data in ${dataDir}: ${ids.length} sampled ids`);
}
for (let offset = 0; !reuse && offset < rows; offset += batchSize) {
  const t0 = performance.now();
  const batch = Array.from({ length: Math.min(batchSize, rows - offset) }, (_, k) => source(offset + k));
  for (const [k, g] of batch.entries()) if ((offset + k) % idEvery === 0) ids.push(g.id);
  if (offset === 0) bytes = batch.slice(0, 200).reduce((n, g) => n + JSON.stringify(g).length, 0) / 200;
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const result = await insertGenerations(store, batch);
  const used = process.cpuUsage(cpu);
  insertCpuMs += (used.user + used.system) / 1000;
  const t2 = performance.now();
  if (result.inserted !== batch.length) throw new Error(`inserted ${result.inserted} of ${batch.length}`);
  generateMs += t1 - t0;
  insertMs += t2 - t1;
  process.stdout.write(
    `\r  loaded ${(offset + batch.length).toLocaleString("en")} (${Math.round((offset + batch.length) / (insertMs / 1000)).toLocaleString("en")} rows/s)   `,
  );
}
console.log();

const Count = z.object({ n: z.coerce.number() });
async function activeParts(): Promise<number> {
  const [row] = await queryRows(
    store,
    "SELECT count() AS n FROM system.parts WHERE database = currentDatabase() AND table = 'generations' AND active",
    Count,
  );
  return row?.n ?? 0;
}
const partsAfterLoad = await activeParts();
// Let background merges settle (at most 2 minutes) so reads see a steady state.
const settleMs = await settleMerges(store, 120_000);

const random = (() => {
  let a = 7;
  return () => {
    a = (a * 1_103_515_245 + 12_345) % 2 ** 31;
    return a / 2 ** 31;
  };
})();
const times: number[] = [];
const lookupCpu = process.cpuUsage();
for (let i = 0; i < lookups; i++) {
  const id = ids[Math.floor(random() * ids.length)] as string;
  const t = performance.now();
  const found = await getGeneration(store, id);
  times.push(performance.now() - t);
  if (found?.id !== id) throw new Error(`lookup of ${id} failed`);
}
const lookupCpuUsed = process.cpuUsage(lookupCpu);
times.sort((a, b) => a - b);
const pct = (p: number) =>
  (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(1);

// The dashboard and API always pass a project (the bench data is all project "bench"): that is the
// headline number. Without one ClickHouse must sort across projects; measured beside it. The two
// alternate (same machine load for both) after one untimed call each (a server is warm).
const spend = { times: [] as number[], cpuMs: 0, rows: 0 };
const spendAll = { times: [] as number[], cpuMs: 0, rows: 0 };
for (let i = -1; i <= 10; i++) {
  const r = i % 2 === 0 ? spend : spendAll;
  const t = performance.now();
  const cpu = process.cpuUsage();
  const result = await spendRollup(store, {
    projectId: r === spend ? "bench" : undefined,
    from: new Date(end.getTime() - days * 86_400_000),
    to: end,
    bucket: "day",
    groupBy: ["user", "model"],
  });
  const used = process.cpuUsage(cpu);
  if (i < 1) continue;
  r.times.push(performance.now() - t);
  r.cpuMs += (used.user + used.system) / 1000 / 5;
  r.rows = result.length;
}
for (const r of [spend, spendAll]) r.times.sort((a, b) => a - b);

// The Users page's shape: spend per user over the last 30 days, one month bucket. Ending at "now"
// (here: 12:00 on the last day) the range is not whole days and the hourly rollup serves it; ending
// at the next midnight (what the dashboard passes) the daily rollups do. Alternating, median of 5.
const usersPage = { hourly: [] as number[], daily: [] as number[] };
for (let i = -2; i < 10; i++) {
  const hourly = i % 2 === 0;
  const t = performance.now();
  await spendRollup(store, {
    projectId: "bench",
    from: new Date(end.getTime() - days * 86_400_000),
    to: new Date(end.getTime() - (hourly ? 12 * 3_600_000 : 0)),
    bucket: "month",
    groupBy: ["user"],
  });
  if (i >= 0) usersPage[hourly ? "hourly" : "daily"].push(performance.now() - t);
}
for (const times of Object.values(usersPage)) times.sort((a, b) => a - b);

// Extra: list pages (dashboard) through listGenerations, median of 5 each.
const listCases: Array<[string, Parameters<typeof listGenerations>[1]]> = [
  ["newest 50, no filter", { projectId: "bench", limit: 50 }],
  ["newest 50 of one user", { projectId: "bench", userId: "user_7", limit: 50 }],
  ["most expensive 50", { projectId: "bench", sort: "cost", limit: 50 }],
  ["text search, newest 50", { projectId: "bench", text: "order #1000042", limit: 50 }],
];
const listTimes: string[] = [];
for (const [name, filter] of listCases) {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await listGenerations(store, filter);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  listTimes.push(`${name} ${(runs[2] as number).toFixed(0)} ms`);
}

const Size = z.object({
  table: z.string(),
  rows: z.coerce.number(),
  compressed: z.string(),
  uncompressed: z.string(),
});
const sizes = await queryRows(
  store,
  `SELECT table, sum(rows) AS rows, formatReadableSize(sum(data_compressed_bytes)) AS compressed,
          formatReadableSize(sum(data_uncompressed_bytes)) AS uncompressed
   FROM system.parts WHERE database = currentDatabase() AND active GROUP BY table ORDER BY sum(data_compressed_bytes) DESC`,
  Size,
);

console.log(
  `  average record (JSON): ${Math.round(bytes).toLocaleString("en")} bytes; generating rows took ${(generateMs / 1000).toFixed(1)} s (not counted)`,
);
if (!reuse)
  console.log(
    `insert: ${Math.round(rows / (insertMs / 1000)).toLocaleString("en")} rows/s (${(insertMs / 1000).toFixed(1)} s through ` +
      `insertGenerations; ${Math.round(rows / (insertCpuMs / 1000)).toLocaleString("en")} rows per CPU-second)`,
  );
console.log(
  `  parts after load: ${partsAfterLoad}; waited ${(settleMs / 1000).toFixed(0)} s for merges; parts now: ${await activeParts()}`,
);
console.log(
  `getGeneration: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms (${lookups} random ids; ` +
    `${((lookupCpuUsed.user + lookupCpuUsed.system) / 1000 / lookups).toFixed(1)} ms CPU each)`,
);
for (const [label, r] of [
  ["one project (as the dashboard asks)", spend],
  ["all projects", spendAll],
] as const) {
  console.log(
    `spendRollup user x model x day over ${days} days, ${label}: median ${(r.times[2] as number).toFixed(1)} ms ` +
      `(${r.rows.toLocaleString("en")} rows; runs ${r.times.map((t) => t.toFixed(0)).join(", ")} ms; ` +
      `${r.cpuMs.toFixed(0)} ms CPU each)`,
  );
}
console.log(
  `spendRollup per user, one month bucket (the Users page): ending at midnight (daily rollups) median ${(usersPage.daily[2] as number).toFixed(1)} ms, ending at noon (hourly rollup) ${(usersPage.hourly[2] as number).toFixed(1)} ms`,
);
console.log(`listGenerations (median of 5): ${listTimes.join("; ")}`);
console.log(`  machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`);
for (const s of sizes)
  console.log(
    `  ${s.table}: ${s.rows.toLocaleString("en")} rows, ${s.compressed} (uncompressed ${s.uncompressed})`,
  );

await store.close();
if (!process.env.BENCH_KEEP && !process.env.BENCH_DIR) rmSync(dataDir, { recursive: true, force: true });
