// Schema experiments on a store loaded by bench/store.ts (BENCH_KEEP=1 prints its directory):
//   BENCH_DIR=/tmp/genledger-bench-store-XXXX node bench/store-experiments.ts
// Compares id lookups (id table two-step, one query with IN, bloom filter only) and
// latest-row selection for lists (LIMIT 1 BY vs FINAL vs argMax). Wall and CPU per query.
import { z } from "zod";
import { GENERATION_COLUMNS, RECORD_COLUMNS } from "../clickhouse/src/generation-row.ts";
import { createClickHouse, execute, getGeneration, queryRows } from "../clickhouse/src/index.ts";

const dataDir = process.env.BENCH_DIR;
if (!dataDir) throw new Error("BENCH_DIR: set it to a directory kept by BENCH_KEEP=1 node bench/store.ts");
const store = await createClickHouse({ url: "", dataDir });
const n = Number(process.env.BENCH_LOOKUPS ?? 300);
const Key = z.object({ id: z.string(), project_id: z.string(), lo: z.string(), hi: z.string() });
const keys = await queryRows(
  store,
  `SELECT id, project_id, toString(min(started_at)) AS lo, toString(max(started_at)) AS hi
   FROM generation_ids GROUP BY id, project_id ORDER BY cityHash64(id) LIMIT {n:UInt32}`,
  Key,
  { n },
);
const Any = z.record(z.string(), z.unknown());
const cols = GENERATION_COLUMNS.join(", ");
const everyColumn = [...RECORD_COLUMNS, "prompt", "output"].join(", ");

async function measure(name: string, run: (k: z.infer<typeof Key>) => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (const k of keys) {
    const t = performance.now();
    await run(k);
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const p = (q: number) => (times[Math.floor(q * (times.length - 1))] as number).toFixed(1);
  console.log(
    `${name}: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, ${((used.user + used.system) / 1000 / keys.length).toFixed(1)} ms CPU`,
  );
}

const step2 = (select: string, k: z.infer<typeof Key>) =>
  queryRows(
    store,
    `SELECT ${select} FROM generations WHERE project_id = {p:String}
       AND started_at BETWEEN {lo:DateTime64(3, 'UTC')} AND {hi:DateTime64(3, 'UTC')} AND id = {id:String}
     ORDER BY version DESC LIMIT 1`,
    Any,
    { p: k.project_id, lo: k.lo, hi: k.hi, id: k.id },
  );

console.log(
  `${keys.length} ids; parts: ${JSON.stringify(await queryRows(store, "SELECT table, count() AS n FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('generations', 'generation_ids') GROUP BY table", Any))}`,
);
await measure("SELECT 1 (floor)", () => queryRows(store, "SELECT 1 AS one", Any));
await measure("step 1: generation_ids seek", (k) =>
  queryRows(
    store,
    "SELECT project_id, min(started_at), max(started_at) FROM generation_ids WHERE id = {id:String} GROUP BY project_id",
    Any,
    { id: k.id },
  ),
);
await measure("step 2: key seek, id only", (k) => step2("id", k));
await measure("step 2: key seek, record_json + prompt + output (shipped)", (k) => step2(cols, k));
await measure("step 2: key seek, the 43 columns instead of record_json", (k) => step2(everyColumn, k));
await measure("getGeneration (both steps + conversion)", (k) => getGeneration(store, k.id));
await measure("one query: (project_id, hour) IN (id table)", (k) =>
  queryRows(
    store,
    `SELECT ${cols} FROM generations
     WHERE (project_id, toStartOfHour(started_at)) IN
       (SELECT project_id, toStartOfHour(started_at) FROM generation_ids WHERE id = {id:String})
       AND id = {id:String}
     ORDER BY version DESC LIMIT 1`,
    Any,
    { id: k.id },
  ),
);
if (process.env.BENCH_BLOOM !== "0") {
  await execute(
    store,
    "ALTER TABLE generations ADD INDEX IF NOT EXISTS idx_id_exp id TYPE bloom_filter(0.001) GRANULARITY 1",
  );
  await execute(store, "ALTER TABLE generations MATERIALIZE INDEX idx_id_exp SETTINGS mutations_sync = 2");
  await measure("bloom_filter(0.001) on id only (no time hint)", (k) =>
    queryRows(
      store,
      `SELECT ${cols} FROM generations WHERE id = {id:String} ORDER BY version DESC LIMIT 1`,
      Any,
      { id: k.id },
    ),
  );
  await execute(store, "ALTER TABLE generations DROP INDEX idx_id_exp");
}
// Latest row per generation for a list page (newest 50 of the whole project).
const latest = {
  "LIMIT 1 BY id": `SELECT id FROM (SELECT id, started_at, version FROM generations WHERE project_id = 'bench' ORDER BY version DESC LIMIT 1 BY id) ORDER BY started_at DESC, id DESC LIMIT 50`,
  FINAL: `SELECT id FROM generations FINAL WHERE project_id = 'bench' ORDER BY started_at DESC, id DESC LIMIT 50`,
  argMax: `SELECT id, argMax(status, version) FROM generations WHERE project_id = 'bench' GROUP BY id, started_at ORDER BY started_at DESC, id DESC LIMIT 50`,
};
const few = keys.slice(0, 10);
for (const [name, sql] of Object.entries(latest)) {
  const times: number[] = [];
  for (const _ of few) {
    const t = performance.now();
    await queryRows(store, sql, Any);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`list newest 50, latest row via ${name}: median ${(times[5] as number).toFixed(1)} ms`);
}
await store.close();
