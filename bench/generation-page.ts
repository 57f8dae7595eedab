// Dashboard benchmark: server time of `GET /generation/:id` (the built app, server-rendered, signed
// in as an admin so the full prompt and output render) with BENCH_ROWS generations (default
// 1,000,000, ~2.5 KB each) in a fresh embedded ClickHouse. Every 10th generation also has a
// 3-span trace, and only those are requested, so each page runs getGeneration and getTraceSpans.
// Requests are sequential over HTTP on loopback; the time is from sending the request to the last
// byte of the HTML.
// Seeding: BENCH_BASE distinct generations (default 50,000) go through insertGenerations/insertSpans;
// the rest are copies made inside ClickHouse (INSERT ... SELECT with a new id, trace id and start
// time per copy), which feeds the same materialized views and is ~50x faster on a small machine.
// Run: node bench/generation-page.ts   (BENCH_ROWS=100000 for a quick run; BENCH_DIR=<dir> keeps the
// data there, and a second run with the same BENCH_DIR measures again without reloading)
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  createClickHouse,
  execute,
  getGeneration,
  getTraceSpans,
  insertGenerations,
  insertSpans,
  queryRows,
  type StoredSpan,
} from "@genledger/clickhouse";
import { createBlobStore, type Generation } from "@genledger/core";
import { z } from "zod";
import { createDashboardServer } from "../dashboard/server/handler.ts";
import { ensureDashboardBuild } from "../test/support/dashboard-build.ts";
import { signIn } from "../test/support/seed-dashboard.ts";
import { freePort } from "../test/support/services.ts";
import { createGenerationSource } from "./store-data.ts";

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const base = Math.min(rows, Number(process.env.BENCH_BASE ?? 50_000));
const batchSize = Number(process.env.BENCH_BATCH ?? 50_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 1_000);
const warmup = 50;
const SPAN_EVERY = 10;
const ADMIN = { email: "bench@example.com", password: "bench password 123" };

function spansOf(g: Generation): StoredSpan[] {
  const at = g.startedAt.getTime();
  const base = {
    projectId: g.projectId,
    traceId: g.traceId,
    statusCode: "ok" as const,
    statusMessage: "",
    kind: "internal",
  };
  const root = `${g.spanId.slice(0, 14)}aa`;
  const step = `${g.spanId.slice(0, 14)}bb`;
  return [
    {
      ...base,
      spanId: root,
      parentSpanId: "",
      name: "POST /api/chat",
      startTime: new Date(at - 20),
      endTime: new Date(at + (g.latencyMs ?? 0) + 20),
      attributes: {},
      generationId: "",
    },
    {
      ...base,
      spanId: g.spanId,
      parentSpanId: root,
      name: "ai.streamText",
      startTime: g.startedAt,
      endTime: g.finishedAt ?? g.startedAt,
      attributes: { "gen_ai.request.model": g.model },
      generationId: g.id,
    },
    {
      ...base,
      spanId: step,
      parentSpanId: g.spanId,
      name: "ai.streamText.doStream",
      startTime: new Date(at + 5),
      endTime: g.finishedAt ?? g.startedAt,
      attributes: {},
      generationId: "",
    },
  ];
}

function percentiles(times: number[]): { p50: string; p90: string; p99: string; max: string } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number).toFixed(1);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: (sorted.at(-1) as number).toFixed(1) };
}

ensureDashboardBuild();
const dataDir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "genledger-bench-dashboard-"));
const store = await createClickHouse({ url: "", dataDir });
const blobStore = createBlobStore(`file://${join(dataDir, "blobs")}`);
const end = new Date();
const source = createGenerationSource({ count: base, days: 30, end });
const traced: string[] = [];

console.log(`dashboard bench: ${rows.toLocaleString("en")} generations, data in ${dataDir}`);
const Count = z.object({ n: z.coerce.number() });
const [existing] = await queryRows(store, "SELECT count() AS n FROM generation_ids", Count);
const reuse = (existing?.n ?? 0) >= rows;
if (reuse) {
  const ids = await queryRows(
    store,
    "SELECT DISTINCT generation_id AS id FROM spans WHERE generation_id != ''",
    z.object({ id: z.string() }),
  );
  traced.push(...ids.map((r) => r.id));
  console.log(
    `  reusing ${existing?.n.toLocaleString("en")} stored generations (${traced.length.toLocaleString("en")} with traces)`,
  );
}
const loadStart = performance.now();
for (let offset = 0; !reuse && offset < base; offset += batchSize) {
  const batch = Array.from({ length: Math.min(batchSize, base - offset) }, (_, k) => source(offset + k));
  const spans: StoredSpan[] = [];
  for (const [k, g] of batch.entries()) {
    if ((offset + k) % SPAN_EVERY !== 0) continue;
    spans.push(...spansOf(g));
    traced.push(g.id);
  }
  await insertGenerations(store, batch);
  await insertSpans(store, spans);
  process.stdout.write(`\r  loaded ${(offset + batch.length).toLocaleString("en")}   `);
}
// Copies: ids never contain "-" and trace ids are hex (no "x"), so the originals are easy to select.
// The filters sit in subqueries because in the outer SELECT the column names mean the replacements.
const copies = reuse ? 0 : Math.ceil(rows / base) - 1;
const tracedBase = [...traced];
for (let n = 1; n <= copies; n++) {
  const limit = Math.min(base, rows - n * base);
  await execute(
    store,
    `INSERT INTO generations
     SELECT * REPLACE (concat(id, '-x${n}') AS id, concat(trace_id, 'x${n}') AS trace_id,
                       started_at - toIntervalSecond(${n * 7}) AS started_at)
     FROM (SELECT * FROM generations WHERE position(id, '-') = 0 ORDER BY id LIMIT ${limit})`,
  );
  await execute(
    store,
    `INSERT INTO spans
     SELECT * REPLACE (concat(trace_id, 'x${n}') AS trace_id,
                       if(generation_id = '', '', concat(generation_id, '-x${n}')) AS generation_id)
     FROM (SELECT * FROM spans WHERE position(trace_id, 'x') = 0)`,
  );
  for (const id of tracedBase) traced.push(`${id}-x${n}`);
  process.stdout.write(`\r  loaded ${(base + (n - 1) * base + limit).toLocaleString("en")}   `);
}
const loadSeconds = (performance.now() - loadStart) / 1000;
if (!reuse) {
  console.log(
    `\n  load: ${loadSeconds.toFixed(0)} s (${Math.round(rows / loadSeconds).toLocaleString("en")} rows/s, with spans)`,
  );
}

const dashboard = await createDashboardServer({
  store,
  blobStore,
  config: {
    dataDir,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logger: { info() {}, warn() {}, error: console.error },
  },
});
const server = createServer(dashboard.listener);
const port = await freePort();
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${port}`;
const session = await signIn(url, ADMIN.email, ADMIN.password);

let seed = 11;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = () => traced[Math.floor(random() * traced.length)] as string;

async function page(id: string): Promise<number> {
  const t = performance.now();
  const response = await session.get(`/generation/${id}`);
  const html = await response.text();
  const ms = performance.now() - t;
  if (response.status !== 200 || !html.includes(id) || !html.includes("Regarding order #")) {
    throw new Error(`GET /generation/${id} answered ${response.status} without the generation`);
  }
  return ms;
}

async function data(id: string): Promise<number> {
  const t = performance.now();
  const g = await getGeneration(store, id);
  if (!g) throw new Error(`getGeneration(${id}) found nothing`);
  await getTraceSpans(store, g.traceId, { projectId: g.projectId });
  return performance.now() - t;
}

for (let i = 0; i < warmup; i++) await page(pick());
// Interleaved, so both series see the same machine load.
const pageTimes: number[] = [];
const dataTimes: number[] = [];
for (let i = 0; i < requests; i++) {
  pageTimes.push(await page(pick()));
  dataTimes.push(await data(pick()));
}

const p = percentiles(pageTimes);
const q = percentiles(dataTimes);
console.log(
  `GET /generation/:id: p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms, max ${p.max} ms (${requests} sequential requests, ${rows.toLocaleString("en")} generations)`,
);
console.log(
  `  its two queries alone (getGeneration + getTraceSpans): p50 ${q.p50} ms, p90 ${q.p90} ms, p99 ${q.p99} ms`,
);
console.log(
  `  machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")} (1/5/15 min), NODE_ENV=${process.env.NODE_ENV}`,
);

server.closeAllConnections();
await new Promise<void>((resolve) => server.close(() => resolve()));
await dashboard.close();
await store.close();
if (!process.env.BENCH_KEEP && !process.env.BENCH_DIR) rmSync(dataDir, { recursive: true, force: true });
