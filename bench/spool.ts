// Spool append throughput: every append is fsync'd before it resolves; concurrent appends share
// one fsync (group commit). Then the writer's drain rate from the spool into the embedded
// ClickHouse. Run: node bench/spool.ts [seconds per level, default 3] [generations to drain, default 20000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClickHouse } from "@genledger/clickhouse";
import { Generation } from "@genledger/core";
import { createMetricsRegistry } from "../collector/src/metrics.ts";
import { spoolBatch } from "../collector/src/spool/batch.ts";
import { SPOOL_METRIC } from "../collector/src/spool/metric-names.ts";
import { createSpool } from "../collector/src/spool/spool.ts";
import type { SpooledBatch } from "../collector/src/spool/types.ts";
import { clickHouseSink } from "../collector/src/writer/clickhouse-sink.ts";
import { createWriter } from "../collector/src/writer/writer.ts";

const seconds = Number(process.argv[2] ?? 3);
const drainCount = Number(process.argv[3] ?? 20_000);
const levels = [1, 8, 64, 256];

function batch(i: number, size = 1): SpooledBatch {
  const generations = Array.from({ length: size }, (_, k) => generation(i * size + k));
  return spoolBatch({ projectId: "bench", generations, spans: [] });
}

function generation(i: number): Generation {
  const id = `bench${String(i).padStart(16, "0")}`;
  const generation = {
    id,
    projectId: "bench",
    status: "complete",
    operation: "generateText",
    userId: `user-${i % 100}`,
    model: "gpt-4o",
    provider: "openai",
    prompt: {
      system: "You are helpful.",
      messages: [{ role: "user", parts: [{ type: "text", content: "x".repeat(1200) }] }],
      tools: [],
    },
    output: { messages: [{ role: "assistant", parts: [{ type: "text", content: "y".repeat(600) }] }] },
    usage: {
      inputTokens: 320,
      outputTokens: 150,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      images: 0,
    },
    cost: { total: 2300, input: 800, output: 1500, cacheRead: 0, cacheWrite: 0, reasoning: 0, image: 0 },
    startedAt: new Date(),
    finishedAt: new Date(),
  };
  return Generation.parse(generation);
}

// Built ahead, so the loop measures the spool (encoding, write, fsync), not record construction.
const templates = Array.from({ length: 1000 }, (_, i) => batch(i));
const rows: string[] = [];
for (const concurrency of levels) {
  const dir = mkdtempSync(join(tmpdir(), "genledger-bench-spool-"));
  const metrics = createMetricsRegistry();
  const spool = await createSpool({ dir, maxBytes: 8 * 1024 ** 3, metrics });
  const latencies: number[] = [];
  let appended = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await spool.append(templates[appended % templates.length]!);
        latencies.push(performance.now() - t0);
        appended++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const fsyncs = metrics.counter(SPOOL_METRIC.fsyncs, "").get();
  const bytes = spool.stats().bytes;
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2);
  rows.push(
    `| ${concurrency} | ${Math.round(appended / elapsed)} | ${Math.round(fsyncs / elapsed)} | ${(appended / fsyncs).toFixed(1)} | ${pct(0.5)} | ${pct(0.99)} | ${(bytes / elapsed / 1024 / 1024).toFixed(1)} |`,
  );
}
console.log(
  `record size: ${JSON.stringify(batch(0)).length} bytes of JSON (one generation), ${seconds} s per level\n`,
);
console.log("| concurrent appends | appends/s | fsyncs/s | appends per fsync | p50 ms | p99 ms | MiB/s |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows) console.log(row);

// Drain: spool `drainCount` generations (10 per batch), then time the writer emptying the spool
// into the embedded ClickHouse with the default batch size.
{
  const dir = mkdtempSync(join(tmpdir(), "genledger-bench-drain-"));
  const store = await createClickHouse({ url: "", dataDir: join(dir, "data") });
  const spool = await createSpool({ dir: join(dir, "spool"), maxBytes: 8 * 1024 ** 3 });
  const batches = Math.ceil(drainCount / 10);
  for (let i = 0; i < batches; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, batches - i) }, (_, k) => spool.append(batch(i + k, 10))),
    );
  }
  const bytes = spool.stats().bytes;
  const started = performance.now();
  const writer = createWriter({ spool, sink: clickHouseSink(store) });
  const { drained } = await writer.stop({ drain: true });
  const elapsed = (performance.now() - started) / 1000;
  const { generations } = writer.stats();
  await spool.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `\nwriter drain into embedded ClickHouse: ${generations} generations (${(bytes / 1024 / 1024).toFixed(1)} MiB spooled) in ${elapsed.toFixed(1)} s = ${Math.round(generations / elapsed)} generations/s (drained: ${drained})`,
  );
}
