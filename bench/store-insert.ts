// What the engine spends per generation row on insert, by schema feature: the production
// `generations` table (materialized views included) against copies without the views, without the
// materialized record_json, with lighter codecs, without the search-text columns, and in other
// input formats. The rows are the ones insertGenerations would send, prepared once; only chDB's
// raw insert is timed (process CPU, all threads, per row; median of --rounds).
//
//   node bench/store-insert.ts [--rows 10000] [--rounds 5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClickHouse, execute } from "@genledger/clickhouse";
import { generationToRow, rowVersion } from "../clickhouse/src/generation-row.ts";
import { storeRawInsert } from "../clickhouse/src/store-types.ts";
import { createGenerationSource } from "./store-data.ts";

const { values: args } = parseArgs({
  options: { rows: { type: "string", default: "10000" }, rounds: { type: "string", default: "5" } },
});
const rows = Number(args.rows);
const rounds = Number(args.rounds);
const dir = mkdtempSync(join(tmpdir(), "genledger-bench-store-insert-"));
const store = await createClickHouse({ dataDir: dir });
const raw = storeRawInsert(store);
if (!raw) throw new Error("embedded store expected");
const source = createGenerationSource({ count: rows * rounds * 10, days: 7, end: new Date() });
let next = 0;
function lines(): { json: Buffer; objects: Record<string, unknown>[] } {
  const objects = Array.from({ length: rows }, () => {
    const g = source(next++);
    return generationToRow(g, rowVersion(g.status));
  });
  return { objects, json: Buffer.from(`${objects.map((o) => JSON.stringify(o)).join("\n")}\n`) };
}

const variants: Array<[string, string[]]> = [
  ["production table (6 materialized views)", []],
  ["no materialized views", ["CREATE TABLE v1 AS generations"]],
  ["  and no record_json", ["CREATE TABLE v2 AS v1", "ALTER TABLE v2 DROP COLUMN record_json"]],
  [
    "  and no bloom indexes",
    ["CREATE TABLE v3 AS v2", "ALTER TABLE v3 DROP INDEX idx_user", "ALTER TABLE v3 DROP INDEX idx_trace"],
  ],
  [
    "  and text ZSTD(1)",
    [
      "CREATE TABLE v4 AS v3",
      ...["prompt", "output", "prompt_text", "output_text"].map(
        (c) => `ALTER TABLE v4 MODIFY COLUMN ${c} String CODEC(ZSTD(1))`,
      ),
    ],
  ],
  [
    "  and text LZ4",
    [
      "CREATE TABLE v5 AS v4",
      ...["prompt", "output", "prompt_text", "output_text"].map(
        (c) => `ALTER TABLE v5 MODIFY COLUMN ${c} String CODEC(LZ4)`,
      ),
    ],
  ],
  [
    "  and no search text columns",
    [
      "CREATE TABLE v6 AS v5",
      "ALTER TABLE v6 DROP COLUMN prompt_text",
      "ALTER TABLE v6 DROP COLUMN output_text",
    ],
  ],
];
const results: Array<[string, number[]]> = [];
let table = 0;
for (const [name, ddl] of variants) {
  for (const statement of ddl) await execute(store, statement);
  const target = table === 0 ? "generations" : `v${table}`;
  table++;
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { json } = lines();
    const before = process.cpuUsage();
    await raw({
      table: target,
      values: json,
      format: "JSONEachRow",
      settings: { input_format_skip_unknown_fields: 1 },
    });
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / rows);
  }
  results.push([`${name} -> ${target}`, cpu.sort((a, b) => a - b)]);
  console.log(
    `${name.padEnd(44)} ${cpu[Math.floor(rounds / 2)]!.toFixed(1).padStart(7)} µs CPU per row (runs ${cpu.map((c) => c.toFixed(0)).join(", ")})`,
  );
}
await store.close();
rmSync(dir, { recursive: true, force: true });
