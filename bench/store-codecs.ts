// Insert cost and size of table variants (codecs, search-text columns, skip indexes) on one batch
// of BENCH_BATCH synthetic generations (default 10,000). CPU ms are process CPU (JS + chDB threads).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { generationToRow, rowVersion } from "../clickhouse/src/generation-row.ts";
import { createClickHouse, execute, insertRows, queryRows } from "../clickhouse/src/index.ts";
import { createGenerationSource } from "./store-data.ts";

const n = Number(process.env.BENCH_BATCH ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "genledger-bench-codecs-"));
const store = await createClickHouse({ url: "", dataDir: dir });
const source = createGenerationSource({ count: n, days: 30, end: new Date(Date.UTC(2026, 10, 1)) });
const rows = Array.from({ length: n }, (_, i) => source(i)).map((g) =>
  generationToRow(g, rowVersion(g.status)),
);
console.log(
  `batch: ${n} rows, ${(rows.map((r) => JSON.stringify(r)).join("\n").length / 1e6).toFixed(1)} MB JSON`,
);

const bodies = ["prompt", "output", "prompt_text", "output_text"];
const only = process.env.BENCH_ONLY;
const allVariants: Record<string, string[]> = {
  "as shipped (bodies ZSTD(3), user+trace bloom filters)": [],
  "+ bloom_filter(0.001) on id": [
    "ALTER TABLE {t} ADD INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1",
  ],
  "no skip indexes": ["ALTER TABLE {t} DROP INDEX idx_user", "ALTER TABLE {t} DROP INDEX idx_trace"],
  "all bodies ZSTD(3)": bodies.map((c) => `ALTER TABLE {t} MODIFY COLUMN ${c} String CODEC(ZSTD(3))`),
  "all bodies ZSTD(1)": bodies.map((c) => `ALTER TABLE {t} MODIFY COLUMN ${c} String CODEC(ZSTD(1))`),
  "all bodies LZ4": bodies.map((c) => `ALTER TABLE {t} MODIFY COLUMN ${c} String CODEC(LZ4)`),
  "without search-text columns": [
    "ALTER TABLE {t} DROP COLUMN prompt_text",
    "ALTER TABLE {t} DROP COLUMN output_text",
  ],
  "without record_json": ["ALTER TABLE {t} DROP COLUMN record_json"],
};
const variants = Object.fromEntries(
  Object.entries(allVariants).filter(
    ([name]) => !only || name.includes(only) || name.startsWith("as shipped"),
  ),
);
const Size = z.object({ name: z.string(), c: z.coerce.number(), u: z.coerce.number() });
let k = 0;
for (const [name, alters] of Object.entries(variants)) {
  const t = `v${k++}`;
  await execute(store, `CREATE TABLE ${t} AS generations`);
  for (const a of alters) await execute(store, a.replace("{t}", t));
  const columns = await queryRows(
    store,
    `SELECT name, 0 AS c, 0 AS u FROM system.columns WHERE database = currentDatabase() AND table = '${t}'`,
    Size,
  );
  const keep = new Set(columns.map((c) => c.name));
  const payload = alters.some((a) => a.includes("DROP COLUMN"))
    ? rows.map((r) => Object.fromEntries(Object.entries(r).filter(([c]) => keep.has(c))))
    : rows;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await insertRows(store, t, payload);
  const used = process.cpuUsage(cpu);
  // A second insert of the same rows, then a merge of everything: what background merges cost.
  await insertRows(store, t, payload, { insert_deduplicate: 0 });
  const mergeCpu = process.cpuUsage();
  await execute(store, `OPTIMIZE TABLE ${t} FINAL`);
  const merged = process.cpuUsage(mergeCpu);
  const sizes = await queryRows(
    store,
    `SELECT column AS name, sum(column_data_compressed_bytes) AS c, sum(column_data_uncompressed_bytes) AS u FROM system.parts_columns WHERE database = currentDatabase() AND table = '${t}' AND active GROUP BY column`,
    Size,
  );
  const [part] = await queryRows(
    store,
    `SELECT 'all' AS name, sum(bytes_on_disk) AS c, sum(data_uncompressed_bytes) AS u FROM system.parts WHERE database = currentDatabase() AND table = '${t}' AND active`,
    Size,
  );
  const total = part?.c ?? 0;
  const bodies = sizes.filter((c) => /^(prompt|output)(_text)?$/.test(c.name));
  const detail = bodies
    .map((c) => `${c.name} ${(c.c / n).toFixed(0)} B/row (x${(c.u / c.c).toFixed(1)})`)
    .join(", ");
  console.log(
    `${name}: ${(performance.now() - wall).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, merge ${((merged.user + merged.system) / 1000).toFixed(0)} ms CPU, ${(total / n).toFixed(0)} B/row on disk; ${detail}`,
  );
}
await store.close();
rmSync(dir, { recursive: true, force: true });
