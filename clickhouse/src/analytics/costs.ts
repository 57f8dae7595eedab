import { z } from "zod";
import type { Params } from "../sql.ts";
import {
  addMetrics,
  alignRange,
  bucketList,
  OTHER_GROUP,
  previousRange,
  tokenMix,
  topMovers,
  zeroMetrics,
} from "./cost-shape.ts";
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
import { type AnalyticsStore, chTime, parseChTime, selectRows } from "./sql.ts";

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

/** Zod fields of every measure under a prefix (aliases never equal a column name: ClickHouse would resolve the alias). */
function measureFields<P extends string>(prefix: P) {
  return Object.fromEntries(Object.entries(MEASURES).map(([k, v]) => [`${prefix}${k}`, v])) as {
    [K in MeasureName as `${P}${K}`]: (typeof MEASURES)[K];
  };
}

const GroupRow = z.object({ grp: z.string(), ...measureFields("c_"), ...measureFields("p_") });
const TotalsRow = z.object({ ...measureFields("c_"), ...measureFields("p_") });
const BucketRow = z.object({ bucket: z.string(), g: z.string(), ...measureFields("c_") });
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

/** `sum(...)` of every measure, optionally under a condition, aliased with a prefix. */
function sums(prefix: string, condition?: string): string {
  const s = (column: string) => (condition ? `sumIf(${column}, ${condition})` : `sum(${column})`);
  const m = (column: string) =>
    condition ? `sumIf(toUInt128(${column}), ${condition})` : `sum(toUInt128(${column}))`;
  return [
    `${s("requests")} AS ${prefix}requests`,
    `${s("input_tokens")} AS ${prefix}input_tokens`,
    `${s("output_tokens")} AS ${prefix}output_tokens`,
    `${s("cache_read_tokens")} AS ${prefix}cache_read_tokens`,
    `${s("cache_write_tokens")} AS ${prefix}cache_write_tokens`,
    `${s("reasoning_tokens")} AS ${prefix}reasoning_tokens`,
    `toString(${m("cost_total")}) AS ${prefix}cost_nanos`,
    `${s("unpriced_requests")} AS ${prefix}unpriced_requests`,
    `${s("cache_hits")} AS ${prefix}cache_hits`,
    `toString(${m("cost_saved_nanos")}) AS ${prefix}saved_nanos`,
  ].join(",\n       ");
}

/** Which rollup table answers a query, and how its time column is named. */
interface Source {
  table: string;
  time: "hour" | "day";
}

function sourceFor(query: CostQuery, from: Date, to: Date, tagTable: boolean): Source {
  if (tagTable) return { table: "generation_rollups_tags_hourly", time: "hour" };
  const daily = query.granularity !== "hour" && from.getTime() % DAY_MS === 0 && to.getTime() % DAY_MS === 0;
  return daily
    ? { table: "generation_rollups_daily", time: "day" }
    : { table: "generation_rollups_hourly", time: "hour" };
}

function bucketSql(granularity: CostQuery["granularity"], time: Source["time"]): string {
  const t = time === "day" ? "toDateTime(day, 'UTC')" : "hour";
  switch (granularity) {
    case "hour":
      return "hour";
    case "day":
      return time === "day" ? t : "toStartOfDay(hour)";
    case "week":
      return `toDateTime(toMonday(${time}), 'UTC')`;
    case "month":
      return `toDateTime(toStartOfMonth(${time}), 'UTC')`;
  }
}

function filterSql(query: CostQuery, params: Params, withTag: boolean): string[] {
  const where: string[] = [];
  if (query.projectId) {
    params.projectId = query.projectId;
    where.push("project_id = {projectId:String}");
  }
  const f = query.filter ?? {};
  const add = (value: string | undefined, column: string, name: string) => {
    if (value === undefined || value === "") return;
    params[name] = value;
    where.push(`${column} = {${name}:String}`);
  };
  add(f.model, "model", "fModel");
  add(f.userId, "user_id", "fUser");
  add(f.functionId, "function_id", "fFunction");
  add(f.provider, "provider", "fProvider");
  if (withTag) add(f.tag, "tag", "fTag");
  return where;
}

function checkQuery(query: CostQuery): void {
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
}

/**
 * Everything the costs page, `GET /api/v1/costs` and the CSV export show: spend per bucket and
 * group, per group against the previous period of the same length, totals, top movers, token mix,
 * cache savings and unpriced models. Read from the rollups (always re-aggregated, exact bigint
 * money): the daily table when the range falls on whole days and buckets are a day or longer
 * (day-or-longer buckets widen the range to whole days), the hourly one otherwise, the tag table
 * when grouping or filtering by tag. A generation with several tags counts under each of them.
 */
export async function costReport(store: AnalyticsStore, query: CostQuery): Promise<CostReport> {
  checkQuery(query);
  let { from, to } = alignRange(query.from, query.to);
  if (query.granularity !== "hour") {
    from = new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS);
    to = new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS);
  }
  const previous = previousRange(from, to);
  const tagTable = query.groupBy === "tag" || Boolean(query.filter?.tag);
  const source = sourceFor(query, previous.from, to, tagTable);
  const dim = DIMENSION_COLUMN[query.groupBy];
  const t = source.time;

  const params: Params = {
    prevFrom: chTime(previous.from),
    from: chTime(from),
    to: chTime(to),
  };
  const where = [
    `${t} >= {prevFrom:DateTime64(3, 'UTC')}`,
    `${t} < {to:DateTime64(3, 'UTC')}`,
    ...filterSql(query, params, tagTable),
  ];
  const current = `${t} >= {from:DateTime64(3, 'UTC')}`;
  const groupRows = await selectRows(
    store,
    `SELECT toString(${dim}) AS grp,
       ${sums("c_", current)},
       ${sums("p_", `${t} < {from:DateTime64(3, 'UTC')}`)}
     FROM ${source.table}
     WHERE ${where.join(" AND ")}
     GROUP BY grp`,
    GroupRow,
    params,
  );
  const groups: Array<CostGroup & { prev: CostMetrics }> = groupRows
    .map((r) => {
      const m = toMetrics(r, "c_");
      const prev = toMetrics(r, "p_");
      return {
        group: r.grp,
        ...m,
        previousCostNanos: prev.costNanos,
        previousRequests: prev.requests,
        deltaNanos: m.costNanos - prev.costNanos,
        prev,
      };
    })
    .filter((g) => g.requests > 0 || g.previousRequests > 0)
    .sort((a, b) =>
      b.costNanos > a.costNanos
        ? 1
        : b.costNanos < a.costNanos
          ? -1
          : b.requests - a.requests || a.group.localeCompare(b.group),
    );

  let totals = zeroMetrics();
  let prevTotals = zeroMetrics();
  if (query.groupBy === "tag" && !query.filter?.tag) {
    // A generation with several tags sits in several tag groups: totals come from the main rollup.
    const mainParams: Params = { prevFrom: params.prevFrom, from: params.from, to: params.to };
    const main = sourceFor(query, previous.from, to, false);
    const mainWhere = [
      `${main.time} >= {prevFrom:DateTime64(3, 'UTC')}`,
      `${main.time} < {to:DateTime64(3, 'UTC')}`,
      ...filterSql(query, mainParams, false),
    ];
    const [row] = await selectRows(
      store,
      `SELECT ${sums("c_", `${main.time} >= {from:DateTime64(3, 'UTC')}`)},
         ${sums("p_", `${main.time} < {from:DateTime64(3, 'UTC')}`)}
       FROM ${main.table} WHERE ${mainWhere.join(" AND ")}`,
      TotalsRow,
      mainParams,
    );
    if (row) {
      totals = toMetrics(row, "c_");
      prevTotals = toMetrics(row, "p_");
    }
  } else {
    for (const g of groups) {
      totals = addMetrics(totals, g);
      prevTotals = addMetrics(prevTotals, g.prev);
    }
  }

  const topN = Math.max(1, query.topN ?? 8);
  const top = groups.slice(0, topN).map((g) => g.group);
  const grpExpr =
    query.rows === "top" && groups.length > topN
      ? `if(grp IN {top:Array(String)}, grp, {other:String})`
      : "grp";
  const bucketParams: Params = { ...params, top, other: OTHER_GROUP };
  const bucketRows = await selectRows(
    store,
    `SELECT toString(bucket) AS bucket, ${grpExpr} AS g, ${sums("c_")}
     FROM (SELECT ${bucketSql(query.granularity, t)} AS bucket, toString(${dim}) AS grp, * FROM ${source.table}
           WHERE ${where.join(" AND ")} AND ${current})
     GROUP BY bucket, g
     ORDER BY bucket, sum(toUInt128(cost_total)) DESC, g`,
    BucketRow,
    bucketParams,
  );
  const rows: CostRow[] = bucketRows
    .filter((r) => r.c_requests > 0)
    .map((r) => ({ bucket: parseChTime(r.bucket), group: r.g, ...toMetrics(r, "c_") }));

  const unpricedParams: Params = { from: params.from, to: params.to };
  const main = sourceFor(query, from, to, false);
  const unpricedWhere = [
    `${main.time} >= {from:DateTime64(3, 'UTC')}`,
    `${main.time} < {to:DateTime64(3, 'UTC')}`,
    "unpriced_requests > 0",
    ...filterSql(query, unpricedParams, false),
  ];
  const unpricedRows = query.filter?.tag
    ? await selectRows(
        store,
        `SELECT provider, model, sum(unpriced_requests) AS n FROM generation_rollups_tags_hourly
         WHERE ${[`hour >= {from:DateTime64(3, 'UTC')}`, `hour < {to:DateTime64(3, 'UTC')}`, "unpriced_requests > 0", ...filterSql(query, unpricedParams, true)].join(" AND ")}
         GROUP BY provider, model ORDER BY n DESC, provider, model LIMIT 50`,
        UnpricedRow,
        unpricedParams,
      )
    : await selectRows(
        store,
        `SELECT provider, model, sum(unpriced_requests) AS n FROM ${main.table}
         WHERE ${unpricedWhere.join(" AND ")}
         GROUP BY provider, model ORDER BY n DESC, provider, model LIMIT 50`,
        UnpricedRow,
        unpricedParams,
      );
  const unpriced: UnpricedModel[] = unpricedRows.map((r) => ({
    provider: r.provider,
    model: r.model,
    requests: r.n,
  }));

  const cleanGroups = groups.map(({ prev: _prev, ...g }) => g);
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
    groups: cleanGroups,
    movers: topMovers(cleanGroups, 10),
    tokenMix: tokenMix(totals),
    unpriced,
  };
}
