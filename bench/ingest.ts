// End-to-end ingest benchmark: OTLP/protobuf exports of ~2.5 KB generations over loopback HTTP
// into the embedded engine (collector + spool + writer + chDB in this process; the load comes
// from a child process), against a raw engine insert of the same rows in the same run.
//
//   node bench/ingest.ts [--seconds 20] [--rss-seconds 300] [--batch 100] [--concurrency 8]
//                        [--phases ingest,raw,full,lag,rss]
//   node bench/ingest.ts --phases rss-ingest --rate 1000 --rss-seconds 300   (no ClickHouse in process)
//
// Phases: 1. raw insert (insertGenerations + insertSpans, writer-sized batches);
// 2. ingest at full load (acknowledged/s and written/s); 3. p99 acknowledged-to-queryable lag at
// half the measured load; 4. RSS of this process over a sustained half load.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Store } from "@genledger/clickhouse";
import {
  createCollector,
  createMetricsRegistry,
  createSpool,
  createWriter,
  DEFAULT_LIMITS,
  decodeTraceRequest,
  defaultPricer,
  type IngestBatch,
  IngestNotes,
  mapSpans,
  resolveCollectorConfig,
  type WriterSink,
} from "@genledger/collector";
import { createBlobStore } from "@genledger/core";
import { KEY, startLoad } from "./ingest-load.ts";
import { buildTemplate, instantiate } from "./ingest-payload.ts";
import { settleMerges } from "./settle.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    "rss-seconds": { type: "string", default: "60" },
    batch: { type: "string", default: "100" },
    concurrency: { type: "string", default: "8" },
    phases: { type: "string", default: "ingest,raw,full,lag,rss" },
    // The writer's flush interval (GENLEDGER_WRITER_FLUSH_INTERVAL_MS); default: the writer's own.
    "flush-ms": { type: "string" },
    // For --phases rss-ingest: generations per second.
    rate: { type: "string", default: "1000" },
  },
});

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The same rows the collector produces for one export, for the raw insert baseline. */
function rowsFor(batch: number): IngestBatch {
  const spans = decodeTraceRequest(instantiate(buildTemplate(batch)).body, "protobuf", {
    maxAttributeBytes: 1 << 24,
  });
  const mapped = mapSpans(spans, {
    projectId: "bench",
    limits: DEFAULT_LIMITS,
    notes: new IngestNotes(),
    pricer: defaultPricer,
    redactor: null,
  });
  return { projectId: "bench", generations: mapped.generations, spans: mapped.spans };
}

/**
 * The raw insert of the same rows, two ways: through the store API a program would call without a
 * collector (`insertGenerations` + `insertSpans`: validation, conversion, the stored-rank check and
 * the engine), and the engine alone (`insertLines` of rows serialized beforehand, untimed).
 */
async function rawInsert(
  store: Store,
  seconds: number,
  rowsPerInsert: number,
): Promise<{ api: number; engine: number; apiCpuUs: number; engineCpuUs: number }> {
  const perBatch = 100;
  const samples = Array.from({ length: 20 }, () => rowsFor(perBatch));
  let round = 0;
  const nextInsert = () => {
    // Writer-sized inserts: rowsPerInsert rows of generations plus their spans.
    const generations = [];
    const spans = [];
    while (generations.length + spans.length < rowsPerInsert) {
      const sample = samples[round++ % samples.length] as IngestBatch;
      for (const generation of sample.generations)
        generations.push({ ...generation, id: `${generation.id.slice(0, 12)}_${round}` });
      spans.push(...sample.spans);
    }
    return { generations, spans };
  };
  let written = 0;
  let started = performance.now();
  let deadline = started + seconds * 1000;
  let cpu = 0;
  while (performance.now() < deadline) {
    const { generations, spans } = nextInsert();
    const before = process.cpuUsage();
    await clickhouse.insertGenerations(store, generations);
    await clickhouse.insertSpans(store, spans);
    cpu += cpuSince(before);
    written += generations.length;
  }
  const api = written / ((performance.now() - started) / 1000);
  const apiCpuUs = cpu / written;

  written = 0;
  cpu = 0;
  let elapsed = 0;
  deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const { generations, spans } = nextInsert();
    const lines = clickhouse.prepareGenerations(generations).lines;
    const spanLines = spans.map((span) => clickhouse.prepareSpan(span));
    started = performance.now();
    const before = process.cpuUsage();
    await clickhouse.insertLines(store, "generations", lines);
    await clickhouse.insertLines(store, "spans", spanLines);
    cpu += cpuSince(before);
    elapsed += performance.now() - started;
    written += generations.length;
  }
  return { api, engine: written / (elapsed / 1000), apiCpuUs, engineCpuUs: cpu / written };
}

/** CPU per generation of the last ingestOnly run, µs. */
let ingestCpuUs = Number.NaN;

/** CPU time of this process (all threads: chDB's too) since `before`, in µs. */
function cpuSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** Collector + spool + writer with a sink that discards: the ceiling of the ingest side. */
let clickhouse: typeof import("@genledger/clickhouse");

interface MemorySamples {
  rss: number[];
  heap: number[];
  /** Memory outside the JS heap that V8 knows of (Buffers). */
  external: number[];
  /** Heap V8 reserved: under a high allocation rate it grows well past what is used. */
  heapTotal: number[];
  /** Anonymous resident memory (heaps: V8's, the engine's, malloc's), from /proc/self/status. */
  anon: number[];
  /** File-backed resident memory (mapped code: node, libchdb.so), shared and reclaimable. */
  file: number[];
}

function procStatusMb(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function memorySampler(): { samples: MemorySamples; stop: () => MemorySamples } {
  const samples: MemorySamples = { rss: [], heap: [], external: [], heapTotal: [], anon: [], file: [] };
  const sample = () => {
    const usage = process.memoryUsage();
    samples.rss.push(usage.rss / 1024 / 1024);
    samples.heap.push(usage.heapUsed / 1024 / 1024);
    samples.external.push(usage.external / 1024 / 1024);
    samples.heapTotal.push(usage.heapTotal / 1024 / 1024);
    samples.anon.push(procStatusMb("RssAnon"));
    samples.file.push(procStatusMb("RssFile"));
  };
  sample();
  const timer = setInterval(sample, 5000);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}

function describeMemory(samples: MemorySamples): string {
  const third = (values: number[], part: "first" | "last") => {
    const n = Math.max(1, Math.floor(values.length / 3));
    const slice = part === "first" ? values.slice(0, n) : values.slice(-n);
    return slice.reduce((a, b) => a + b, 0) / slice.length;
  };
  const { rss, heap, external, heapTotal, anon, file } = samples;
  return (
    `RSS start ${rss[0]?.toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB, end ${rss.at(-1)?.toFixed(0)} MB ` +
    `(first-third mean ${third(rss, "first").toFixed(0)} -> last-third mean ${third(rss, "last").toFixed(0)} MB); ` +
    `of which anonymous ${third(anon, "first").toFixed(0)} -> ${third(anon, "last").toFixed(0)} MB (max ${Math.max(...anon).toFixed(0)}), ` +
    `file-backed ${third(file, "first").toFixed(0)} -> ${third(file, "last").toFixed(0)} MB; ` +
    `JS heap used ${third(heap, "first").toFixed(0)} -> ${third(heap, "last").toFixed(0)} MB, max ${Math.max(...heap).toFixed(0)} MB; ` +
    `heap reserved ${third(heapTotal, "first").toFixed(0)} -> ${third(heapTotal, "last").toFixed(0)} MB; ` +
    `external ${third(external, "first").toFixed(0)} -> ${third(external, "last").toFixed(0)} MB`
  );
}

async function ingestOnly(
  dir: string,
  options: { seconds: number; batch: number; concurrency: number; rate?: number; onStart?: () => void },
): Promise<number> {
  const metrics = createMetricsRegistry();
  const spool = await createSpool({ dir: join(dir, "spool"), maxBytes: 4 * 1024 ** 3, metrics });
  let drained = 0;
  const writer = createWriter({
    spool,
    sink: {
      insertGenerations: async (generations) => {
        drained += generations.lines.length;
      },
      insertSpans: async () => {},
    },
    metrics,
  });
  const collector = createCollector({
    config: resolveCollectorConfig({
      port: 0,
      logLevel: "warn",
      auth: { staticKeys: [{ secret: KEY, projectId: "bench" }] },
    }),
    spool,
    blobs: createBlobStore(`file://${join(dir, "blobs")}`),
    metrics,
  });
  const { url } = await collector.listen();
  options.onStart?.();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await startLoad(
    {
      url,
      seconds: options.seconds,
      batch: options.batch,
      concurrency: options.concurrency,
      rate: options.rate ?? 0,
      sampleEvery: 1_000_000,
    },
    () => {},
  );
  await writer.flush();
  const rate = drained / ((performance.now() - started) / 1000);
  ingestCpuUs = cpuSince(cpu0) / drained;
  await collector.close();
  await writer.stop({ drain: true });
  await spool.close();
  return rate;
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const rssSeconds = Number(args["rss-seconds"]);
  const batch = Number(args.batch);
  const concurrency = Number(args.concurrency);
  const dir = mkdtempSync(join(tmpdir(), "genledger-bench-ingest-"));
  if (String(args.phases) === "rss-ingest") {
    // The ingest side's own memory: no ClickHouse in this process at all.
    let memory: ReturnType<typeof memorySampler> | undefined;
    const rate = Number(args.rate);
    await ingestOnly(join(dir, "rss-ingest"), {
      seconds: rssSeconds,
      batch,
      concurrency,
      rate,
      onStart: () => {
        memory = memorySampler();
      },
    });
    const samples = memory?.stop();
    if (samples !== undefined) {
      console.log(
        `memory over ${rssSeconds} s at ${rate}/s, collector + spool + writer, no ClickHouse: ${describeMemory(samples)}`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  // Loaded here, not at the top: the rss-ingest mode must not map the engine into the process.
  clickhouse = await import("@genledger/clickhouse");
  const { clickHouseSink } = await import("../collector/src/writer/clickhouse-sink.ts");
  const store = await clickhouse.createClickHouse({ dataDir: dir });
  const metrics = createMetricsRegistry();
  const spool = await createSpool({ dir: join(dir, "spool"), maxBytes: 4 * 1024 ** 3, metrics });
  const written = new Map<string, number>();
  const sampled = new Map<string, number>();
  let writtenGenerations = 0;
  const base = clickHouseSink(store);
  const sink: WriterSink = {
    async insertGenerations(generations, options) {
      const result = await base.insertGenerations(generations, options);
      const now = Date.now();
      writtenGenerations += generations.lines.length;
      for (const id of generations.ids) if (sampled.has(id)) written.set(id, now);
      return result;
    },
    insertSpans: (spans, options) => base.insertSpans(spans, options),
  };
  const flushIntervalMs = args["flush-ms"] === undefined ? undefined : Number(args["flush-ms"]);
  const writer = createWriter({ spool, sink, metrics, ...(flushIntervalMs ? { flushIntervalMs } : {}) });
  const collector = createCollector({
    config: resolveCollectorConfig({
      port: 0,
      logLevel: "warn",
      auth: { staticKeys: [{ secret: KEY, projectId: "bench" }] },
    }),
    spool,
    blobs: createBlobStore(`file://${join(dir, "blobs")}`),
    metrics,
  });
  const { url } = await collector.listen();
  const results: string[] = [];
  const log = (line: string) => {
    results.push(line);
    console.log(line);
  };

  try {
    log(
      `config: ${batch} generations per export, ${concurrency} concurrent exports, ${seconds} s per phase; ` +
        `${availableParallelism()} CPUs, load average ${loadavg()
          .map((value) => value.toFixed(1))
          .join(" ")} at start`,
    );
    const phases = new Set(String(args.phases).split(","));
    if (phases.has("ingest")) {
      // The ingest side alone: collector + spool (fsync) + writer reading it back, store discarded.
      const only = await ingestOnly(join(dir, "ingest-only"), { seconds, batch, concurrency });
      log(
        `ingest side alone (HTTP, decode, map, spool fsync, writer read-back; no ClickHouse): ${only.toFixed(0)} generations/s acknowledged and drained, ${ingestCpuUs.toFixed(0)} µs CPU each`,
      );
    }
    const raws = phases.has("raw")
      ? await rawInsert(store, seconds, 10_000)
      : { api: Number.NaN, engine: Number.NaN, apiCpuUs: Number.NaN, engineCpuUs: Number.NaN };
    const raw = raws.api;
    log(
      `raw insert, store API (insertGenerations + insertSpans, 10,000-row batches): ${raws.api.toFixed(0)} generations/s, ${raws.apiCpuUs.toFixed(0)} µs CPU each`,
    );
    log(
      `raw insert, engine alone (the same rows serialized beforehand, only the inserts timed): ${raws.engine.toFixed(0)} generations/s, ${raws.engineCpuUs.toFixed(0)} µs CPU each`,
    );
    // Let the merges the raw inserts started finish, so their CPU is not charged to the next phase.
    await settleMerges(store, 120_000, 1_000);

    if (!phases.has("full")) return;
    // Full load.
    const before = writtenGenerations;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const full = await startLoad(
      { url, seconds, batch, concurrency, rate: 0, sampleEvery: 1_000_000 },
      () => {},
    );
    await writer.flush();
    const elapsed = (performance.now() - t0) / 1000;
    const ingested = writtenGenerations - before;
    const e2eCpuUs = cpuSince(cpu0) / ingested;
    log(
      `ingest, full load: ${(full.acknowledged / full.seconds).toFixed(0)} acknowledged/s, ` +
        `${(ingested / elapsed).toFixed(0)} written/s end to end (${ingested} in ${elapsed.toFixed(1)} s incl. drain), ` +
        `${(full.bytes / full.seconds / 1e6).toFixed(1)} MB/s wire, ${full.failed} failed requests; ` +
        `ratio to the store API insert ${(ingested / elapsed / raw).toFixed(2)}x, to the engine alone ${(ingested / elapsed / raws.engine).toFixed(2)}x`,
    );
    // On a machine where other work takes CPU, rates measured minutes apart are not comparable;
    // CPU per generation is. Both sides are CPU-bound here, so its ratio is the rate ratio a quiet
    // machine would show. (The load generator is another process and is not counted.)
    log(
      `CPU per generation written end to end (collector process, all threads): ${e2eCpuUs.toFixed(0)} µs; ` +
        `CPU ratio to the store API insert ${(raws.apiCpuUs / e2eCpuUs).toFixed(2)}x, to the engine alone ${(raws.engineCpuUs / e2eCpuUs).toFixed(2)}x`,
    );

    if (!phases.has("lag")) return;
    // Half load: lag.
    const half = Math.max(1, Math.floor(ingested / elapsed / 2));
    const acks = new Map<string, number>();
    await startLoad({ url, seconds, batch, concurrency, rate: half, sampleEvery: 1 }, (id, at) => {
      acks.set(id, at);
      sampled.set(id, at);
    });
    await writer.flush();
    const lags: number[] = [];
    for (const [id, at] of acks) {
      const done = written.get(id);
      if (done !== undefined) lags.push(done - at);
    }
    log(
      `lag at half load (${half}/s): acknowledged -> queryable p50 ${percentile(lags, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(lags, 99).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms over ${lags.length} samples ` +
        `(${acks.size - lags.length} not matched)`,
    );
    sampled.clear();

    if (!phases.has("rss")) return;
    // Sustained half load: RSS (the whole process, chDB included) and the JS heap.
    const memory = memorySampler();
    await startLoad(
      { url, seconds: rssSeconds, batch, concurrency, rate: half, sampleEvery: 1_000_000 },
      () => {},
    );
    log(
      `load average at the end: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(" ")}`,
    );
    log(
      `memory over ${rssSeconds} s at ${half}/s, collector + writer + chDB: ${describeMemory(memory.stop())}`,
    );
  } finally {
    await collector.close();
    await writer.stop({ drain: true, timeoutMs: 30_000 });
    await spool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
