// Where the CPU of one generation goes on the way from an OTLP export to ClickHouse, stage by
// stage, on the same ~2.5 KB generations as bench/ingest.ts. CPU time is the process's (all
// threads, chDB's included), per generation, median of --rounds rounds.
//
//   node bench/ingest-breakdown.ts [--rows 10000] [--rounds 5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { deserialize, serialize } from "node:v8";
import * as clickhouse from "@genledger/clickhouse";
import {
  DEFAULT_LIMITS,
  decodeTraceRequest,
  defaultPricer,
  IngestNotes,
  mapSpans,
} from "@genledger/collector";
import { Generation } from "@genledger/core";
import { z } from "zod";
import { generationToLine, rowVersion } from "../clickhouse/src/generation-row.ts";
import { loadQuery } from "../clickhouse/src/queries.ts";
import { buildTemplate, instantiate } from "./ingest-payload.ts";

const RankRow = z.object({ id: z.string(), rank: z.coerce.number() });

const { values: args } = parseArgs({
  options: { rows: { type: "string", default: "10000" }, rounds: { type: "string", default: "5" } },
});
const rows = Number(args.rows);
const rounds = Number(args.rounds);
const perExport = 100;

const bodies = Array.from({ length: rows / perExport }, () => instantiate(buildTemplate(perExport)).body);
const results = new Map<string, number[]>();
async function stage<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - t;
  const list = results.get(name) ?? [];
  list.push(((used.user + used.system) / rows) * 1, (wall * 1000) / rows);
  results.set(name, list);
  return value;
}

const dir = mkdtempSync(join(tmpdir(), "genledger-bench-breakdown-"));
const store = await clickhouse.createClickHouse({ dataDir: dir });
try {
  for (let round = 0; round < rounds; round++) {
    const spans = await stage("decode protobuf", () =>
      bodies.map((body) => decodeTraceRequest(body, "protobuf", { maxAttributeBytes: 1 << 24 })),
    );
    const batches = await stage("map spans", () =>
      spans.map((s) =>
        mapSpans(s, {
          projectId: "bench",
          limits: DEFAULT_LIMITS,
          notes: new IngestNotes(),
          pricer: defaultPricer,
          redactor: null,
        }),
      ),
    );
    const gens = batches.flatMap((b) => b.generations).map((g) => ({ ...g, id: `${g.id}_${round}` }));
    const storedSpans = batches.flatMap((b) => b.spans);
    const json = await stage("spool frame JSON.stringify", () => batches.map((b) => JSON.stringify(b)));
    await stage("spool read JSON.parse", () => json.map((t) => JSON.parse(t)));
    const v8 = await stage("spool frame v8.serialize", () => batches.map((b) => serialize(b)));
    await stage("spool read v8.deserialize", () => v8.map((b) => deserialize(b)));
    await stage("zod Generation.parse", () => gens.map((g) => Generation.parse(g)));
    await stage("generationToLine", () => gens.map((g) => generationToLine(g, rowVersion(g.status))));
    await stage("prepareGenerations (zod + line)", () => clickhouse.prepareGenerations(gens));
    const prepared = clickhouse.prepareGenerations(gens.map((g) => ({ ...g, id: `${g.id}_lines` })));
    await stage("stored-rank check query", () =>
      clickhouse.queryRows(store, loadQuery("existing-ranks"), RankRow, { ids: prepared.ids }),
    );
    await stage("engine insert of prepared lines", () =>
      clickhouse.insertLines(store, "generations", prepared.lines, {
        input_format_json_read_objects_as_strings: 1,
      }),
    );
    await stage("insertGenerations (all of it)", () => clickhouse.insertGenerations(store, gens));
    await stage("insertSpans (all of it)", () => clickhouse.insertSpans(store, storedSpans));
  }
  console.log(
    `${rows} generations per round, ${rounds} rounds; µs per generation, median (CPU all threads / wall)`,
  );
  for (const [name, list] of results) {
    const cpu = list.filter((_, i) => i % 2 === 0).sort((a, b) => a - b);
    const wall = list.filter((_, i) => i % 2 === 1).sort((a, b) => a - b);
    const mid = Math.floor(cpu.length / 2);
    console.log(
      `  ${name.padEnd(34)} ${cpu[mid]!.toFixed(1).padStart(8)} / ${wall[mid]!.toFixed(1).padStart(8)}`,
    );
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
