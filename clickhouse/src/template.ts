import type { RetentionDays } from "./config.ts";

/** Where rendered SQL will run: one node (chDB or a single server) or a named cluster. */
export interface SqlTarget {
  /** Cluster name for `ON CLUSTER`; null renders single-node SQL. */
  cluster: string | null;
  database: string;
  retention: RetentionDays;
}

/** Blocks with the same hash (or dedup token) inside this many recent inserts are dropped. */
const DEDUP_WINDOW = 1000;

/**
 * Renders the `{{...}}` placeholders of migration and query SQL for a target.
 * Single node: plain engines and table names, no `ON CLUSTER`, Distributed statements dropped.
 * Cluster: `ON CLUSTER '<name>'`, Replicated* engines, storage tables named `*_local` and a
 * `Distributed` table under the plain name. Unknown placeholders throw, so a typo cannot ship.
 *
 * | placeholder | single node | cluster |
 * | --- | --- | --- |
 * | `{{on_cluster}}` | "" | ` ON CLUSTER 'c'` |
 * | `{{local:t}}` | `t` | `t_local` |
 * | `{{engine:E(args)}}` | `E(args)` | `ReplicatedE('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', args)` |
 * | `{{global_engine:E(args)}}` | `E(args)` | replicated to every node, not sharded |
 * | `{{distributed:t:key}}` | "" (statement dropped) | `CREATE TABLE t ... ENGINE = Distributed('c', db, t_local, key)` |
 * | `{{drop_distributed:t}}` | "" | `DROP TABLE IF EXISTS t ON CLUSTER 'c'` |
 * | `{{dedup_window}}` | `non_replicated_deduplication_window = 1000` | `replicated_deduplication_window = 1000` |
 * | `{{ttl_raw:col}}`, `{{ttl_rollups:col}}` | `\nTTL toDateTime(col) + INTERVAL n DAY`, or "" for 0 days | same |
 * | `{{ttl_text:col}}` | ` TTL toDateTime(col) + INTERVAL n DAY` (column TTL), or "" | same |
 * | `{{database}}` | the database name | same |
 */
export function renderSql(sql: string, target: SqlTarget): string {
  return sql.replace(
    /\{\{\s*([a-z_]+)(?::([^}]*))?\s*\}\}/g,
    (_match, name: string, arg: string | undefined) => renderPlaceholder(name, arg?.trim(), target),
  );
}

function renderPlaceholder(name: string, arg: string | undefined, target: SqlTarget): string {
  const { cluster } = target;
  const onCluster = cluster === null ? "" : ` ON CLUSTER '${cluster}'`;
  switch (name) {
    case "on_cluster":
      return onCluster;
    case "database":
      return target.database;
    case "local":
      return cluster === null ? need(name, arg) : `${need(name, arg)}_local`;
    case "engine":
      return engine(need(name, arg), cluster, "/clickhouse/tables/{shard}/{database}/{table}");
    case "global_engine":
      return engine(need(name, arg), cluster, "/clickhouse/tables/all/{database}/{table}");
    case "dedup_window":
      return cluster === null
        ? `non_replicated_deduplication_window = ${DEDUP_WINDOW}`
        : `replicated_deduplication_window = ${DEDUP_WINDOW}`;
    case "distributed": {
      const [table, ...key] = need(name, arg).split(":");
      if (!table || key.length === 0)
        throw new Error(`{{distributed:table:sharding_key}} needs both parts, got "${arg}"`);
      if (cluster === null) return "";
      return (
        `CREATE TABLE IF NOT EXISTS ${table}${onCluster} AS ${table}_local ` +
        `ENGINE = Distributed('${cluster}', '${target.database}', '${table}_local', ${key.join(":")})`
      );
    }
    case "drop_distributed":
      return cluster === null ? "" : `DROP TABLE IF EXISTS ${need(name, arg)}${onCluster}`;
    case "ttl_raw":
      return ttl("\nTTL", need(name, arg), target.retention.rawDays);
    case "ttl_rollups":
      return ttl("\nTTL", need(name, arg), target.retention.rollupDays);
    case "ttl_text":
      return ttl(" TTL", need(name, arg), target.retention.textDays);
    default:
      throw new Error(`unknown SQL placeholder {{${name}}}`);
  }
}

/** `TTL toDateTime(col) + INTERVAL n DAY`, the expression {@link renderSql} and `applyRetention` share. */
export function ttlExpression(column: string, days: number): string {
  return `toDateTime(${column}) + INTERVAL ${days} DAY`;
}

function ttl(prefix: string, column: string, days: number): string {
  return days > 0 ? `${prefix} ${ttlExpression(column, days)}` : "";
}

function engine(spec: string, cluster: string | null, path: string): string {
  if (cluster === null) return spec;
  const match = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(spec);
  if (!match) throw new Error(`cannot parse engine "${spec}"`);
  const [, engineName, args] = match;
  const replicatedArgs = [`'${path}'`, "'{replica}'", ...(args?.trim() ? [args.trim()] : [])];
  return `Replicated${engineName}(${replicatedArgs.join(", ")})`;
}

function need(name: string, arg: string | undefined): string {
  if (!arg) throw new Error(`SQL placeholder {{${name}}} needs an argument, e.g. {{${name}:generations}}`);
  return arg;
}

/**
 * Splits a script into statements at `;`, ignoring semicolons inside quotes and comments.
 * Drops statements that are empty or only comments (e.g. a cluster-only statement on one node).
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let hasCode = false;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      current += sql.slice(i, stop);
      i = stop;
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      current += sql.slice(i, stop);
      i = stop;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "\\") j += 2;
        else if (sql[j] === ch && sql[j + 1] === ch) j += 2;
        else if (sql[j] === ch) break;
        else j += 1;
      }
      current += sql.slice(i, j + 1);
      hasCode = true;
      i = j + 1;
    } else if (ch === ";") {
      if (hasCode) statements.push(current.trim());
      current = "";
      hasCode = false;
      i += 1;
    } else {
      if (!/\s/.test(ch)) hasCode = true;
      current += ch;
      i += 1;
    }
  }
  if (hasCode) statements.push(current.trim());
  return statements;
}
