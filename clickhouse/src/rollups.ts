import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { buildSpendRows, CounterOverflowError, SATURATED, spendColumnTypes } from "./spend-rows.ts";
import { execute, type Params, queryNativeBlocks, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { withWriteLock } from "./store-types.ts";
import { toChTime } from "./time.ts";

/** Bucket sizes of {@link spendRollup} (UTC; weeks start on Monday). */
export const ROLLUP_BUCKETS = ["hour", "day", "week", "month"] as const;
/** One of {@link ROLLUP_BUCKETS}. */
export type RollupBucket = (typeof ROLLUP_BUCKETS)[number];
/** Dimensions {@link spendRollup} can group by. */
export const ROLLUP_DIMENSIONS = ["user", "model", "provider", "function", "status"] as const;
/** One of {@link ROLLUP_DIMENSIONS}. */
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** Query of {@link spendRollup}. */
export interface SpendRollupQuery {
  projectId?: string;
  /** Start, inclusive (generation start time). */
  from: Date;
  /** End, exclusive. */
  to: Date;
  bucket: RollupBucket;
  groupBy: RollupDimension[];
}

/** One bucket x group of {@link spendRollup}. Dimension fields are present only when grouped by. */
export interface SpendRow {
  /** Start of the bucket (UTC). */
  bucket: Date;
  user?: string;
  model?: string;
  provider?: string;
  function?: string;
  status?: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Known cost in nano-dollars (unpriced generations add nothing here; see `unpricedRequests`). */
  costNanos: bigint;
  unpricedRequests: number;
  cacheHits: number;
  /** What cache hits would have cost, in nano-dollars. */
  savedNanos: bigint;
}

const COLUMNS: Record<RollupDimension, string> = {
  user: "user_id",
  model: "model",
  provider: "provider",
  function: "function_id",
  status: "status",
};

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Spend, tokens and requests per time bucket and group, from the rollups (final records only).
 * Reads a daily rollup when `from`/`to` fall on whole UTC days and the bucket is a day or longer
 * (the user x model one when the grouping is within user and model), else the hourly one;
 * `[from, to)` is widened to whole UTC hours. Money sums are exact (bigint).
 * Rows come ordered by bucket; within a bucket, in no particular order.
 * @example spendRollup(store, { from, to, bucket: "day", groupBy: ["user", "model"] })
 */
export async function spendRollup(store: Store, query: SpendRollupQuery): Promise<SpendRow[]> {
  const { from, to } = checkRange(query.from, query.to);
  if (!ROLLUP_BUCKETS.includes(query.bucket)) {
    throw new InvalidInputError(
      "bucket",
      `expected one of ${ROLLUP_BUCKETS.join(", ")}, got "${query.bucket}"`,
    );
  }
  const requested = new Set(query.groupBy ?? []);
  for (const dimension of requested) {
    if (!ROLLUP_DIMENSIONS.includes(dimension)) {
      throw new InvalidInputError(
        "groupBy",
        `expected some of ${ROLLUP_DIMENSIONS.join(", ")}, got "${dimension}"`,
      );
    }
  }
  // In the rollup tables' sort-key order, so that a sorted read follows the key.
  const groupBy = ROLLUP_DIMENSIONS.filter((d) => requested.has(d));
  const daily = query.bucket !== "hour" && from.getTime() % DAY_MS === 0 && to.getTime() % DAY_MS === 0;
  const time = daily ? "day" : "hour";
  const bucketSql = {
    hour: "hour",
    day: daily ? "day" : "toDate(hour)",
    week: `toMonday(${time})`,
    month: `toStartOfMonth(${time})`,
  }[query.bucket];
  const params: Params = {
    from: toChTime(floorTo(from, HOUR_MS)),
    to: toChTime(new Date(Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS)),
  };
  const where = [`${time} >= {from:DateTime64(3, 'UTC')}`, `${time} < {to:DateTime64(3, 'UTC')}`];
  if (query.projectId) {
    params.projectId = query.projectId;
    where.push("project_id = {projectId:String}");
  }
  // The narrowest table holding every requested dimension: per user x model x day, the main daily
  // rollup's provider, function and status split a group into ~1.5 rows to read and add up.
  const table = !daily
    ? "generation_rollups_hourly"
    : groupBy.every((d) => d === "user" || d === "model")
      ? "generation_rollups_user_model_daily"
      : "generation_rollups_daily";
  const out = (bucket: string, dim: (d: RollupDimension) => string) =>
    `toUInt32(toDateTime(${bucket}, 'UTC')) AS bucket${groupBy.map((d) => `, toLowCardinality(toString(${dim(d)})) AS dim_${d}`).join("")}`;
  // Per user at the table's own time unit, a group is ~1-2 rollup rows (one per model, function and
  // status): hashing ~200k groups in ClickHouse cost ~3x more than reading the rows in key order
  // and adding up neighbours here. Coarser groupings shrink a lot, so ClickHouse aggregates them.
  const sorted = bucketSql === time && requested.has("user");
  const columnTypes = spendColumnTypes(groupBy);
  if (sorted) {
    // With a project the rows stream in key order (no sort); without one ClickHouse sorts them.
    // Counters go as UInt32 (25 MB of result became 16 MB: writing and passing it on costs ~2.5 ms
    // per MB), saturated so that a larger value is seen and the read repeated with UInt64.
    const read = (counter: (name: string) => string) =>
      queryNativeBlocks(
        store,
        `SELECT ${out(time, (d) => COLUMNS[d])},
           ${["requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens"].map(counter).join(", ")},
           cost_total AS cost_nanos, ${counter("unpriced_requests")}, ${counter("cache_hits")},
           cost_saved_nanos AS saved_nanos
         FROM ${table}
         WHERE ${where.join(" AND ")}
         ORDER BY ${[time, ...groupBy.map((d) => COLUMNS[d])].join(", ")}`,
        columnTypes,
        params,
      );
    try {
      return buildSpendRows(
        await read((name) => `toUInt32(least(${name}, ${SATURATED})) AS ${name}`),
        groupBy,
      );
    } catch (error) {
      if (!(error instanceof CounterOverflowError)) throw error;
      return buildSpendRows(await read((name) => name), groupBy);
    }
  }
  const sql = `SELECT ${out("b", (d) => `g_${d}`)}, * EXCEPT (b${groupBy.map((d) => `, g_${d}`).join("")}) FROM (
         SELECT ${bucketSql} AS b${groupBy.map((d) => `, ${COLUMNS[d]} AS g_${d}`).join("")},
           sum(requests) AS requests,
           sum(input_tokens) AS input_tokens,
           sum(output_tokens) AS output_tokens,
           sum(cache_read_tokens) AS cache_read_tokens,
           sum(cache_write_tokens) AS cache_write_tokens,
           sum(reasoning_tokens) AS reasoning_tokens,
           sum(toUInt128(cost_total)) AS cost_nanos,
           sum(unpriced_requests) AS unpriced_requests,
           sum(cache_hits) AS cache_hits,
           sum(toUInt128(cost_saved_nanos)) AS saved_nanos
         FROM ${table}
         WHERE ${where.join(" AND ")}
         GROUP BY ${["b", ...groupBy.map((d) => `g_${d}`)].join(", ")}
         -- By bucket only: sorting ~200k groups by their strings too cost more than aggregating them.
         ORDER BY b)`;
  return buildSpendRows(await queryNativeBlocks(store, sql, columnTypes, params), groupBy);
}

/** The rollups {@link spendRollup} reads and {@link reconcileRollups} rebuilds (migrations 0002, 0025). */
const MAIN_ROLLUPS = [
  {
    table: "generation_rollups_hourly",
    time: "hour",
    expr: "toStartOfHour(started_at)",
    dims: "user_id, model, provider, function_id, status",
  },
  {
    table: "generation_rollups_daily",
    time: "day",
    expr: "toDate(started_at)",
    dims: "user_id, model, provider, function_id, status",
  },
  {
    table: "generation_rollups_user_model_daily",
    time: "day",
    expr: "toDate(started_at)",
    dims: "user_id, model",
  },
] as const;

/** What {@link reconcileRollups} recomputed. */
export interface ReconcileResult {
  /** Whole UTC days recomputed: `[from, to)`. */
  from: Date;
  to: Date;
  /** Final generations counted in that range. */
  generations: number;
}

const CountRow = z.object({ n: z.coerce.number() });

/**
 * Recomputes the hourly and daily rollups of the UTC days touching `[from, to)` from the raw table,
 * counting each generation once (its highest version). The fix for double counts that per-process
 * skipping cannot prevent (several writers racing on one id). Run it for closed days: a write from
 * another process landing during the recomputation may be missed or counted twice.
 */
export async function reconcileRollups(
  store: Store,
  range: { from: Date; to: Date; projectId?: string },
): Promise<ReconcileResult> {
  const checked = checkRange(range.from, range.to);
  const from = floorTo(checked.from, DAY_MS);
  const to = new Date(Math.ceil(checked.to.getTime() / DAY_MS) * DAY_MS);
  const params: Params = { from: toChTime(from), to: toChTime(to), projectId: range.projectId ?? "" };
  const project = "({projectId:String} = '' OR project_id = {projectId:String})";
  const latest = `
    SELECT id, project_id, started_at, user_id, model, provider, function_id, status, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_total, unpriced, cache_hit, cost_saved_nanos
    FROM generations
    WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND ${project}
    ORDER BY version DESC
    LIMIT 1 BY id`;
  const measures = `
    count() AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
    sum(reasoning_tokens) AS reasoning_tokens, sum(cost_total) AS cost_total,
    countIf(unpriced) AS unpriced_requests, countIf(cache_hit) AS cache_hits, sum(cost_saved_nanos) AS cost_saved_nanos`;
  const final = "status IN ('complete', 'error', 'aborted')";
  return await withWriteLock(store, async () => {
    for (const { table, time, expr, dims } of MAIN_ROLLUPS) {
      await execute(
        store,
        `ALTER TABLE {{local:${table}}}{{on_cluster}}
         DELETE WHERE ${time} >= {from:DateTime64(3, 'UTC')} AND ${time} < {to:DateTime64(3, 'UTC')} AND ${project}
         SETTINGS mutations_sync = 2`,
        params,
      );
      await execute(
        store,
        `INSERT INTO ${table}
         SELECT project_id, ${expr} AS ${time}, ${dims}, ${measures}
         FROM (${latest}) WHERE ${final}
         GROUP BY project_id, ${time}, ${dims}
         SETTINGS insert_deduplicate = 0`,
        params,
      );
    }
    const [counted] = await queryRows(
      store,
      `SELECT count() AS n FROM (${latest}) WHERE ${final}`,
      CountRow,
      params,
    );
    return { from, to, generations: counted?.n ?? 0 };
  });
}

function checkRange(from: Date, to: Date): { from: Date; to: Date } {
  for (const [field, value] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new InvalidInputError(field, "expected a valid Date");
    }
  }
  if (from.getTime() >= to.getTime()) throw new InvalidInputError("from", "must be before to");
  return { from, to };
}

function floorTo(date: Date, unit: number): Date {
  return new Date(Math.floor(date.getTime() / unit) * unit);
}
