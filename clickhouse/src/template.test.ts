import { describe, expect, it } from "vitest";
import { RECORD_COLUMNS } from "./generation-row.ts";
import { loadMigrations } from "./migrations.ts";
import { renderSql, type SqlTarget, splitStatements } from "./template.ts";

const single: SqlTarget = {
  cluster: null,
  database: "genledger",
  retention: { rawDays: 0, textDays: 0, rollupDays: 0 },
};
const cluster: SqlTarget = {
  ...single,
  cluster: "main",
  retention: { rawDays: 95, textDays: 30, rollupDays: 400 },
};
const [generations] = loadMigrations();

describe("renderSql", () => {
  it("renders single-node SQL: plain engines, no ON CLUSTER, no Distributed, no TTL when 0", () => {
    const sql = renderSql(generations?.up ?? "", single);
    expect(sql).not.toMatch(/\{\{|ON CLUSTER|Replicated|Distributed|_local|TTL/);
    expect(sql).toContain("CREATE TABLE IF NOT EXISTS generations\n");
    expect(sql).toContain("ENGINE = ReplacingMergeTree(version)");
    expect(sql).toContain("non_replicated_deduplication_window = 1000");
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(3);
    expect(statements.map((s) => s.split("\n").find((l) => l.startsWith("CREATE")))).toEqual([
      "CREATE TABLE IF NOT EXISTS generations",
      "CREATE TABLE IF NOT EXISTS generation_ids",
      "CREATE MATERIALIZED VIEW IF NOT EXISTS generation_ids_mv",
    ]);
  });

  it("renders cluster SQL: ON CLUSTER, Replicated engines, *_local tables, Distributed by cityHash64(id), TTLs", () => {
    const statements = splitStatements(renderSql(generations?.up ?? "", cluster));
    expect(statements).toHaveLength(5);
    const [table, ids, view, distributed, distributedIds] = statements as [
      string,
      string,
      string,
      string,
      string,
    ];
    expect(table).toContain("CREATE TABLE IF NOT EXISTS generations_local ON CLUSTER 'main'");
    expect(table).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', version)",
    );
    expect(table).toContain("prompt String CODEC(ZSTD(3)) TTL toDateTime(started_at) + INTERVAL 30 DAY,");
    expect(table).toContain(
      "ORDER BY (project_id, toStartOfHour(started_at), id)\nTTL toDateTime(started_at) + INTERVAL 95 DAY",
    );
    expect(table).toContain("replicated_deduplication_window = 1000");
    expect(ids).toContain(
      "ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')",
    );
    expect(view).toContain(
      "CREATE MATERIALIZED VIEW IF NOT EXISTS generation_ids_mv_local ON CLUSTER 'main'",
    );
    expect(view).toContain("TO generation_ids_local");
    expect(view).toContain("FROM generations_local");
    expect(distributed).toBe(
      "CREATE TABLE IF NOT EXISTS generations ON CLUSTER 'main' AS generations_local " +
        "ENGINE = Distributed('main', 'genledger', 'generations_local', cityHash64(id))",
    );
    expect(distributedIds).toContain(
      "Distributed('main', 'genledger', 'generation_ids_local', cityHash64(id))",
    );
  });

  it("renders global (unsharded) tables replicated to every node, and cluster down scripts", () => {
    const keys = loadMigrations().find((m) => m.version === 4);
    expect(renderSql(keys?.up ?? "", cluster)).toContain(
      "CREATE TABLE IF NOT EXISTS api_keys ON CLUSTER 'main'",
    );
    expect(renderSql(keys?.up ?? "", cluster)).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}', version)",
    );
    expect(splitStatements(renderSql(generations?.down ?? "", cluster))).toEqual([
      "DROP TABLE IF EXISTS generation_ids ON CLUSTER 'main'",
      "DROP TABLE IF EXISTS generations ON CLUSTER 'main'",
      "DROP VIEW IF EXISTS generation_ids_mv_local ON CLUSTER 'main'",
      "DROP TABLE IF EXISTS generation_ids_local ON CLUSTER 'main'",
      "DROP TABLE IF EXISTS generations_local ON CLUSTER 'main'",
    ]);
  });

  it("renders every shipped migration for both targets without leftovers", () => {
    for (const migration of loadMigrations()) {
      for (const target of [single, cluster]) {
        for (const script of [migration.up, migration.down ?? ""]) {
          expect(renderSql(script, target)).not.toContain("{{");
        }
      }
    }
  });

  it("throws on an unknown placeholder or a missing argument", () => {
    expect(() => renderSql("SELECT {{nope}}", single)).toThrow(/unknown SQL placeholder \{\{nope\}\}/);
    expect(() => renderSql("CREATE TABLE {{local}}", single)).toThrow(/needs an argument/);
  });
});

describe("generations.record_json", () => {
  it("serializes exactly the columns the converter reads", () => {
    const expression =
      /record_json String MATERIALIZED formatRowNoNewline\('JSONEachRow',([\s\S]*?)\) CODEC/.exec(
        generations?.up ?? "",
      )?.[1];
    const names = (expression ?? "")
      .split(",")
      .map((part) => part.trim().split(/\s+AS\s+/)[1] ?? part.trim());
    expect(names).toEqual([...RECORD_COLUMNS]);
  });
});

describe("splitStatements", () => {
  it("splits at semicolons outside quotes and comments, and drops empty statements", () => {
    expect(
      splitStatements(
        "SELECT 'a;b'; -- c;d\nSELECT \"x;\" /* ; */ ;\n;\n-- only a comment;\nSELECT 'it''s;'",
      ),
    ).toEqual(["SELECT 'a;b'", '-- c;d\nSELECT "x;" /* ; */', "-- only a comment;\nSELECT 'it''s;'"]);
  });
});
