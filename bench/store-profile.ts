// Where insertGenerations spends its time, step by step, on one batch (BENCH_BATCH rows, default 20,000).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Generation } from "@genledger/core";
import { z } from "zod";
import { generationToRow, rowVersion } from "../clickhouse/src/generation-row.ts";
import { createClickHouse, insertRows, queryRows } from "../clickhouse/src/index.ts";
import { loadQuery } from "../clickhouse/src/queries.ts";
import { createGenerationSource } from "./store-data.ts";

const n = Number(process.env.BENCH_BATCH ?? 20_000);
// BENCH_DIR: profile a batch against an existing (large) store instead of an empty one.
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "genledger-bench-profile-"));
const store = await createClickHouse({ url: "", dataDir: dir });
const source = createGenerationSource({ count: n, days: 30, end: new Date(Date.UTC(2026, 10, 1)) });
const step = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await f();
  const cpu = process.cpuUsage(c);
  console.log(
    `${name}: ${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
  );
  return r;
};
const tag = Date.now().toString(36);
const batch = await step("generate", () =>
  Array.from({ length: n }, (_, i) => ({ ...source(i), id: `prof_${tag}_${i}` })),
);
const parsed = await step("zod parse", () => batch.map((g) => Generation.parse(g)));
const rows = await step("to rows", () => parsed.map((g) => generationToRow(g, rowVersion(g.status))));
await step("stringify", () => rows.map((r) => JSON.stringify(r)).join("\n"));
await step("ranks query", () =>
  queryRows(store, loadQuery("existing-ranks"), z.object({ id: z.string() }), {
    ids: batch.map((g) => g.id),
  }),
);
await step("insert (with MVs)", () => insertRows(store, "generations", rows));
await store.close();
if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
