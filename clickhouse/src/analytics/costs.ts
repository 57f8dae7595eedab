import { z } from "zod";
import { buildSpendRows, spendColumnTypes } from "../spend-rows.ts";
import { type Params, queryNativeBlocks } from "../sql.ts";
import { alignRange, bucketList, OTHER_GROUP, previousRange, tokenMix, zeroMetrics } from "./cost-shape.ts";
import {
  COST_DIMENSIONS,
  type CostDimension,
  type CostGroup,
  type CostMetrics,
  type CostQuery,
  type CostReport,
  type CostRow,
  GRANULARITIES,
  type UnpricedModel,
} from "./cost-types.ts";
import { type AnalyticsStore, chTime, selectRows } from "./sql.ts";

const DAY_MS = 86_400_000;

const DIMENSION_COLUMN: Record<CostDimension, string> = {
  model: "model",
  user: "user_id",
  function: "function_id",
  tag: "tag",
  provider: "provider",
};

const count = z.union([z.string(), z.number()]).transform(Number);
const money = z.string().regex(/^\d+$/).transform(BigInt);
const MEASURES = {
  requests: count,
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  reasoning_tokens: count,
  cost_nanos: money,
  unpriced_requests: count,
  cache_hits: count,
  saved_nanos: money,
};
type MeasureName = keyof typeof MEASURES;
const NAMES = Object.keys(MEASURES) as MeasureName[];
const MONEY = new Set<MeasureName>(["cost_nanos", "saved_nanos"]);
/** Rollup column of each measure. */
const COLUMN: Record<MeasureName, string> = {
  requests: "requests",
  input_tokens: "input_tokens",
  output_tokens: "output_tokens",
  cache_read_tokens: "cache_read_tokens",
  cache_write_tokens: "cache_write_tokens",
  reasoning_tokens: "reasoning_tokens",
  cost_nanos: "cost_total",
  unpriced_requests: "unpriced_requests",
  cache_hits: "cache_hits",
  saved_nanos: "cost_saved_nanos",
};

/** Zod fields of every measure under a prefix (aliases never equal a column name: ClickHouse would resolve the alias). */
function measureFields<P extends string>(prefix: P) {
  return Object.fromEntries(NAMES.map((k) => [`${prefix}${k}`, MEASURES[k]])) as {
    [K in MeasureName as `${P}${K}`]: (typeof MEASURES)[K];
  };
}

const GroupRow = z.object({
  grp: z.string(),
  n_groups: count,
  ...measureFields("c_"),
  p_requests: count,
  p_cost_nanos: money,
});
const TotalsRow = z.object({ ...measureFields("c_"), ...measureFields("p_") });
const UnpricedRow = z.object({ provider: z.string(), model: z.string(), n: count });

function toMetrics(r: Record<string, unknown>, prefix: string): CostMetrics {
  const v = (k: MeasureName) => r[`${prefix}${k}`];
  return {
    requests: v("requests") as number,
    inputTokens: v("input_tokens") as number,
    outputTokens: v("output_tokens") as number,
    cacheReadTokens: v("cache_read_tokens") as number,
    cacheWriteTokens: v("cache_write_tokens") as number,
    reasoningTokens: v("reasoning_tokens") as number,
    costNanos: v("cost_nanos") as bigint,
    unpricedRequests: v("unpriced_requests") as number,
    cacheHits: v("cache_hits") as number,
    savedNanos: v("saved_nanos") as bigint,
  };
}

/**
 * Sums of every measure, optionally under a condition, aliased `<prefix><measure>`; `text` renders
 * money as decimal strings (exact in JSON). Totals sum money as UInt128 (`wide`); per group and
 * bucket UInt64 is exact up to 18 billion USD and a third cheaper.
 */
function sums(
  prefix: string,
  condition?: string,
  options: { text?: boolean; wide?: boolean; names?: readonly MeasureName[] } = {},
): string {
  return (options.names ?? NAMES)
    .map((k) => {
      const column = MONEY.has(k) && options.wide ? `toUInt128(${COLUMN[k]})` : COLUMN[k];
      const sum = condition ? `sumIf(${column}, ${condition})` : `sum(${column})`;
      return `${options.text && MONEY.has(k) ? `toString(${sum})` : sum} AS ${prefix}${k}`;
    })
    .join(",\n       ");
}

/** `expr(x<from><k>) AS <to><k>` for every measure, money as text: renames without alias clashes. */
function project(from: string, to: string, wrap: (column: string) => string = (c) => c): string {
  return NAMES.map((k) => {
    const value = wrap(`${from}${k}`);
    return `${MONEY.has(k) ? `toString(${value})` : value} AS ${to}${k}`;
  }).join(", ");
}

/** A rollup table and its time column. */
interface Source {
  table: string;
  time: "hour" | "day";
}

/**
 * The smallest rollup that answers a query: by user (and nothing else) from the per-user daily
 * table, by tag from the tag table, by model / provider / function from the hourly table without
 * users; user combined with model from the user x model daily table (0025) when days are whole; user
 * combined with provider or function, or hourly, from the main rollups (0002).
 */
function sourceFor(query: CostQuery, dayAligned: boolean, dimension: CostDimension | null): Source {
  const f = query.filter ?? {};
  const needs = new Set<CostDimension>();
  if (dimension) needs.add(dimension);
  if (f.userId) needs.add("user");
  if (f.tag) needs.add("tag");
  if (f.model) needs.add("model");
  if (f.provider) needs.add("provider");
  if (f.functionId) needs.add("function");
  const hourly = query.granularity === "hour" || !dayAligned;
  if (needs.has("tag")) {
    if (needs.has("user"))
      throw new RangeError("costs: tag and user cannot be combined (group by one, filter by the other)");
    return { table: "generation_rollups_tags_hourly", time: "hour" };
  }
  if (needs.has("user")) {
    const onlyUser = [...needs].every((d) => d === "user");
    if (onlyUser && !hourly) return { table: "generation_rollups_users_daily", time: "day" };
    const userModel = [...needs].every((d) => d === "user" || d === "model");
    if (userModel && !hourly) return { table: "generation_rollups_user_model_daily", time: "day" };
    return hourly
      ? { table: "generation_rollups_hourly", time: "hour" }
      : { table: "generation_rollups_daily", time: "day" };
  }
  return { table: "generation_rollups_dims_hourly", time: "hour" };
}

function bucketSql(granularity: CostQuery["granularity"], time: Source["time"]): string {
  switch (granularity) {
    case "hour":
      return "hour";
    case "day":
      return time === "day" ? "toDateTime(day, 'UTC')" : "toStartOfDay(hour)";
    case "week":
      return `toDateTime(toMonday(${time}), 'UTC')`;
    case "month":
      return `toDateTime(toStartOfMonth(${time}), 'UTC')`;
  }
}

/** Unpriced (provider, model) pairs read before the no-usage calls are taken out; 50 are shown. */
const UNPRICED_READ = 200;

/** Conditions for the query's project and filters; `tagSql` replaces `tag = ...` (for tables that keep tags as an array). */
function filterSql(query: CostQuery, params: Params, tagSql?: string): string[] {
  const where: string[] = [];
  if (query.projectId) {
    params.projectId = query.projectId;
    where.push("project_id = {projectId:String}");
  }
  const f = query.filter ?? {};
  for (const [value, column, name] of [
    [f.model, "model", "fModel"],
    [f.userId, "user_id", "fUser"],
    [f.functionId, "function_id", "fFunction"],
    [f.provider, "provider", "fProvider"],
    [f.tag, "tag", "fTag"],
  ] as const) {
    if (value === undefined || value === "") continue;
    params[name] = value;
    where.push(column === "tag" && tagSql ? tagSql : `${column} = {${name}:String}`);
  }
  return where;
}

function rangeSql(time: Source["time"], from: string, to: string): string[] {
  return [`${time} >= {${from}:DateTime64(3, 'UTC')}`, `${time} < {${to}:DateTime64(3, 'UTC')}`];
}

/**
 * Everything the costs page, `GET /api/v1/costs` and the CSV export show: spend per bucket and
 * group, per group against the previous period of the same length, totals, top movers, token mix,
 * cache savings and unpriced models. Read from the rollups (always re-aggregated, exact bigint
 * money), the smallest that answers the query (see the analytics rollups, migration 0024).
 * Buckets of a day or longer widen the range to whole UTC days; hourly ones to whole hours.
 * With `rows: "top"`, `groups` holds the top 50 by spend plus the top movers, and `rows` the top
 * `topN` groups per bucket with the rest as "(other)"; `groupCount` counts them all either way.
 * @throws RangeError for a bad query, or tag combined with user.
 */
export async function costReport(store: AnalyticsStore, query: CostQuery): Promise<CostReport> {
  if (!COST_DIMENSIONS.includes(query.groupBy)) {
    throw new RangeError(
      `costs groupBy must be one of ${COST_DIMENSIONS.join(", ")}, got "${query.groupBy}"`,
    );
  }
  if (!GRANULARITIES.includes(query.granularity)) {
    throw new RangeError(
      `costs granularity must be one of ${GRANULARITIES.join(", ")}, got "${query.granularity}"`,
    );
  }
  let { from, to } = alignRange(query.from, query.to);
  if (query.granularity !== "hour") {
    from = new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS);
    to = new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS);
  }
  const previous = previousRange(from, to);
  const dayAligned = previous.from.getTime() % DAY_MS === 0 && to.getTime() % DAY_MS === 0;
  const source = sourceFor(query, dayAligned, query.groupBy);
  const dim = DIMENSION_COLUMN[query.groupBy];
  const t = source.time;
  const top = query.rows === "top";
  const topN = Math.max(1, query.topN ?? 8);

  const params: Params = { prevFrom: chTime(previous.from), from: chTime(from), to: chTime(to) };
  const where = [...rangeSql(t, "prevFrom", "to"), ...filterSql(query, params)];
  const current = `${t} >= {from:DateTime64(3, 'UTC')}`;
  // One pass: per-group sums for both periods, then window functions for the ranks, the group count
  // and the totals, so the page gets its top groups and movers without shipping every group.
  // Totals from the smallest table that takes the filters (the grouping does not matter; tags would
  // count a generation once per tag), in parallel with the groups.
  const totalsParams: Params = { prevFrom: params.prevFrom, from: params.from, to: params.to };
  const plain = sourceFor(query, dayAligned, null);
  const totalsQuery = selectRows(
    store,
    `SELECT ${sums("c_", `${plain.time} >= {from:DateTime64(3, 'UTC')}`, { text: true, wide: true })},
       ${sums("p_", `${plain.time} < {from:DateTime64(3, 'UTC')}`, { text: true, wide: true })}
     FROM ${plain.table} WHERE ${[...rangeSql(plain.time, "prevFrom", "to"), ...filterSql(query, totalsParams)].join(" AND ")}`,
    TotalsRow,
    totalsParams,
  );
  // One pass over the groups: both periods, then window functions for the ranks and the group count,
  // so the page gets its top groups and movers without shipping every group. Layers use distinct
  // names (x*, then the output names): a ClickHouse alias shadows a column.
  const groupsQuery = selectRows(
    store,
    `SELECT grp, n_groups, ${project("xc_", "c_")}, xp_requests AS p_requests, toString(xp_cost_nanos) AS p_cost_nanos
     FROM (
       SELECT *, count() OVER () AS n_groups,
         row_number() OVER (ORDER BY xc_cost_nanos DESC, xc_requests DESC, grp) AS rank_spend,
         row_number() OVER (ORDER BY abs(toInt64(xc_cost_nanos) - toInt64(xp_cost_nanos)) DESC, xc_cost_nanos DESC, grp) AS rank_move
       FROM (
         SELECT toString(${dim}) AS grp,
           ${sums("xc_", current)},
           ${sums("xp_", `${t} < {from:DateTime64(3, 'UTC')}`, { names: ["requests", "cost_nanos"] })}
         FROM ${source.table}
         WHERE ${where.join(" AND ")}
         GROUP BY grp
         HAVING xc_requests > 0 OR xp_requests > 0
       )
     )
     ${top ? "WHERE rank_spend <= 50 OR (rank_move <= 10 AND xc_cost_nanos != xp_cost_nanos)" : ""}
     ORDER BY rank_spend`,
    GroupRow,
    params,
  );
  const [[totalsRow], groupRows] = await Promise.all([totalsQuery, groupsQuery]);
  const groups: CostGroup[] = groupRows.map((r) => {
    const m = toMetrics(r, "c_");
    return {
      group: r.grp,
      ...m,
      previousCostNanos: r.p_cost_nanos,
      previousRequests: r.p_requests,
      deltaNanos: m.costNanos - r.p_cost_nanos,
    };
  });
  const totals = totalsRow ? toMetrics(totalsRow, "c_") : zeroMetrics();
  const prevTotals = totalsRow ? toMetrics(totalsRow, "p_") : zeroMetrics();

  const topGroups = groups.slice(0, topN).map((g) => g.group);
  const otherGroups = (groupRows[0]?.n_groups ?? 0) > topN;
  // Every bucket x group can be a lot of rows (the API / CSV export: ~150k for 10,000 users x 30
  // days), so they come in the Native format and are built like spendRollup's rows (spend-rows.ts),
  // the group standing in the "user" slot: JSON parsing, validation and their garbage were ~90% of it.
  const bucketQuery = `SELECT toUInt32(b) AS bucket, toLowCardinality(g) AS dim_user, * EXCEPT (b, g) FROM (
       SELECT bucket AS b, ${top && otherGroups ? "if(grp IN {top:Array(String)}, grp, {other:String})" : "grp"} AS g,
         ${sums("")}
       FROM (SELECT ${bucketSql(query.granularity, t)} AS bucket, toString(${dim}) AS grp, * FROM ${source.table}
             WHERE ${where.join(" AND ")} AND ${current})
       GROUP BY b, g
       HAVING requests > 0)
     ORDER BY bucket, cost_nanos DESC, dim_user`;
  const bucketRows = buildSpendRows(
    await queryNativeBlocks(store, bucketQuery, spendColumnTypes(["user"]), {
      ...params,
      top: topGroups,
      other: OTHER_GROUP,
    }),
    ["user"],
  );
  const rows: CostRow[] = bucketRows.map(({ bucket, user, ...metrics }) => ({
    bucket,
    group: user ?? "",
    ...metrics,
  }));

  // Unpriced models, named by provider and model: a source with providers has models too (the
  // per-user and user x model daily tables have no providers, so a user filter reads the main rollup).
  const unpricedParams: Params = { from: params.from, to: params.to };
  const unpricedSource = sourceFor(
    query,
    from.getTime() % DAY_MS === 0 && to.getTime() % DAY_MS === 0,
    "provider",
  );
  const unpricedQuery = selectRows(
    store,
    `SELECT provider, model, sum(unpriced_requests) AS n FROM ${unpricedSource.table}
     WHERE ${[...rangeSql(unpricedSource.time, "from", "to"), "unpriced_requests > 0", ...filterSql(query, unpricedParams)].join(" AND ")}
     GROUP BY provider, model ORDER BY n DESC, provider, model LIMIT ${UNPRICED_READ}`,
    UnpricedRow,
    unpricedParams,
  );
  // Of those, the calls whose provider reported no usage (migration 0026): their cost is unknown
  // because the usage is, so they are counted apart and do not make a model look unpriced. Two
  // queries rather than a join: on a cluster both tables are distributed.
  const noUsageParams: Params = { from: params.from, to: params.to };
  const noUsageQuery = selectRows(
    store,
    `SELECT provider, model, sum(requests) AS n FROM generation_no_usage_hourly
     WHERE ${[...rangeSql("hour", "from", "to"), ...filterSql(query, noUsageParams, "has(tags, {fTag:String})")].join(" AND ")}
     GROUP BY provider, model`,
    UnpricedRow,
    noUsageParams,
  );
  const [unpricedRows, noUsageRows] = await Promise.all([unpricedQuery, noUsageQuery]);
  const noUsageOf = new Map(noUsageRows.map((r) => [`${r.provider}\u0000${r.model}`, r.n]));
  const unpriced: UnpricedModel[] = unpricedRows
    .map((r) => ({
      provider: r.provider,
      model: r.model,
      requests: r.n - (noUsageOf.get(`${r.provider}\u0000${r.model}`) ?? 0),
    }))
    .filter((u) => u.requests > 0)
    .sort(
      (a, b) =>
        b.requests - a.requests || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
    )
    .slice(0, 50);
  const noUsage = noUsageRows.reduce((n, r) => n + r.n, 0);

  const movers = groups
    .filter((g) => g.deltaNanos !== 0n)
    .sort((a, b) => {
      const abs = (v: bigint) => (v < 0n ? -v : v);
      const d = abs(b.deltaNanos) - abs(a.deltaNanos);
      if (d !== 0n) return d > 0n ? 1 : -1;
      return b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : a.group.localeCompare(b.group);
    })
    .slice(0, 10);
  return {
    query,
    from,
    to,
    previousFrom: previous.from,
    previousTo: previous.to,
    totals,
    previous: prevTotals,
    buckets: bucketList(from, to, query.granularity),
    rows,
    groups: top ? groups.filter((_, i) => i < 50) : groups,
    groupCount: groupRows[0]?.n_groups ?? 0,
    movers,
    tokenMix: tokenMix(totals),
    unpriced,
    noUsage,
  };
}
