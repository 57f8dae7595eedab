import { GENERATION_STATUSES, type GenerationStatus } from "@genledger/core";
import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { type GenerationSummary, rowToSummary, SUMMARY_COLUMNS, SummaryRow } from "./generation-row.ts";
import { type Params, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { toChTime } from "./time.ts";

/** Orders of {@link listGenerations}; ties are broken by id, so paging is stable. */
export const GENERATION_SORTS = ["newest", "oldest", "cost", "latency"] as const;
/** One of {@link GENERATION_SORTS}: newest/oldest by start time, cost and latency highest first. */
export type GenerationSort = (typeof GENERATION_SORTS)[number];

/** Filter of {@link listGenerations}. Every field is optional; filters combine with AND. */
export interface GenerationFilter {
  projectId?: string;
  userId?: string;
  model?: string;
  provider?: string;
  status?: GenerationStatus;
  functionId?: string;
  /** Generations carrying this tag. */
  tag?: string;
  /** Started at or after. */
  from?: Date;
  /** Started before. */
  to?: Date;
  /** Known cost at least this many nano-dollars (generations without a cost never match a cost bound). */
  minCostNanos?: number | bigint;
  maxCostNanos?: number | bigint;
  /** Case-insensitive substring of the prompt or output text. */
  text?: string;
  sort?: GenerationSort;
  /** Page size, 1-500 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** A page of {@link listGenerations}. */
export interface GenerationPage {
  items: GenerationSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

interface SortSpec {
  /** SQL for the sort value. */
  expr: string;
  /** ORDER BY for one direction: for time, led by the sort key's hour so ClickHouse reads in order. */
  order: string;
  /** ClickHouse type of the sort value, for the cursor parameter. */
  type: string;
  desc: boolean;
}

const SORTS: Record<GenerationSort, SortSpec> = {
  newest: {
    expr: "started_at",
    order: "toStartOfHour(started_at) DESC, started_at DESC, id DESC",
    type: "DateTime64(3, 'UTC')",
    desc: true,
  },
  oldest: {
    expr: "started_at",
    order: "toStartOfHour(started_at) ASC, started_at ASC, id ASC",
    type: "DateTime64(3, 'UTC')",
    desc: false,
  },
  cost: { expr: "cost_total", order: "cost_total DESC, id DESC", type: "UInt64", desc: true },
  latency: {
    expr: "ifNull(latency_ms, 0)",
    order: "ifNull(latency_ms, 0) DESC, id DESC",
    type: "UInt32",
    desc: true,
  },
};

interface Cursor {
  sort: GenerationSort;
  value: string;
  id: string;
}

const PageRow = SummaryRow.extend({ id: z.string(), version: z.string(), sort_text: z.string() });
const LatestRow = z.object({ id: z.string(), version: z.string() });

/** Rounds of over-fetching before falling back to the exact (heavier) query. */
const ROUNDS = 3;

/**
 * A page of generations, newest first by default, each in its latest state (a pending record that
 * completed shows once, as complete); every filter applies to that latest state. The cursor
 * encodes (sort value, id), so pages neither repeat nor skip rows.
 *
 * Plan: read the top rows in sort order with the filters applied per row (ClickHouse reads in key
 * order for time sorts and materializes `record_json` for those rows only), then drop rows that
 * are not their generation's latest version (one seek in `generation_ids`). Superseded rows are
 * rare (a pending copy not merged away yet), so twice the page size nearly always suffices; else
 * the read grows, and after a few rounds an exact latest-row-per-id query answers instead.
 */
export async function listGenerations(store: Store, filter: GenerationFilter = {}): Promise<GenerationPage> {
  const sort = filter.sort ?? "newest";
  const spec = SORTS[sort];
  if (!spec)
    throw new InvalidInputError("sort", `expected one of ${GENERATION_SORTS.join(", ")}, got "${sort}"`);
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new InvalidInputError("limit", `expected a whole number from 1 to 500, got ${limit}`);
  }
  const params: Params = {};
  const where = [...scopeConditions(filter, params), ...rowConditions(filter, params)];
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor, sort);
    params.cursorValue = cursor.value;
    params.cursorId = cursor.id;
    const op = spec.desc ? "<" : ">";
    where.push(`(${spec.expr}, id) ${op} ({cursorValue:${spec.type}}, {cursorId:String})`);
    // The same bound alone lets the primary key skip everything before the cursor.
    where.push(`${spec.expr} ${op}= {cursorValue:${spec.type}}`);
  }
  const whereSql = where.length > 0 ? where.join(" AND ") : "1";
  let fetch = Math.max(20, (limit + 1) * 2);
  let page: Array<z.infer<typeof PageRow>> | null = null;
  for (let round = 0; round < ROUNDS && page === null; round++) {
    const rows = await queryRows(
      store,
      `SELECT id, toString(version) AS version, ${SUMMARY_COLUMNS.join(", ")}, toString(${spec.expr}) AS sort_text
       FROM generations WHERE ${whereSql} ORDER BY ${spec.order} LIMIT {fetch:UInt32}
       -- Reading in key order, the read-ahead buffer costs more than the page (~4x at 100k rows).
       SETTINGS read_in_order_use_buffering = 0`,
      PageRow,
      { ...params, fetch },
    );
    const latest = await latestVersions(
      store,
      rows.map((r) => r.id),
    );
    const seen = new Set<string>();
    const kept = rows.filter((row) => {
      const newest = latest.get(row.id);
      if (seen.has(row.id) || (newest !== undefined && newest !== row.version)) return false;
      seen.add(row.id);
      return true;
    });
    if (kept.length > limit || rows.length < fetch) page = kept;
    fetch *= 4;
  }
  page ??= await exactPage(store, filter, spec, whereSql, params, limit);
  const items = page.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(rowToSummary),
    nextCursor:
      page.length > limit && last ? encodeCursor({ sort, value: last.sort_text, id: last.id }) : null,
  };
}

async function latestVersions(store: Store, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows(
    store,
    `SELECT id, toString(max(max_version)) AS version FROM generation_ids
     WHERE id IN (SELECT arrayJoin({ids:Array(String)})) GROUP BY id`,
    LatestRow,
    { ids },
  );
  return new Map(rows.map((r) => [r.id, r.version]));
}

/**
 * The page from the latest row of every generation in scope: exact whatever the share of
 * superseded rows, but it reads (id, version) of the whole scope. Used only when over-fetching
 * did not fill the page.
 */
async function exactPage(
  store: Store,
  filter: GenerationFilter,
  spec: SortSpec,
  whereSql: string,
  params: Params,
  limit: number,
): Promise<Array<z.infer<typeof PageRow>>> {
  const scope = scopeConditions(filter, {});
  const scopeSql = scope.length > 0 ? scope.join(" AND ") : "1";
  return await queryRows(
    store,
    `SELECT id, toString(version) AS version, ${SUMMARY_COLUMNS.join(", ")}, toString(${spec.expr}) AS sort_text
     FROM generations
     WHERE ${whereSql}
       AND (id, version) IN (
         SELECT id, version FROM generations WHERE ${scopeSql} ORDER BY version DESC LIMIT 1 BY id
       )
     ORDER BY ${spec.order}
     LIMIT 1 BY id
     LIMIT {fetch:UInt32}
     SETTINGS distributed_product_mode = 'local'`,
    PageRow,
    { ...params, fetch: limit + 1 },
  );
}

/** Conditions on fields fixed at call start (project, start time): the scope of the exact query. */
function scopeConditions(filter: GenerationFilter, params: Params): string[] {
  const where: string[] = [];
  if (filter.projectId) {
    params.projectId = filter.projectId;
    where.push("project_id = {projectId:String}");
  }
  if (filter.from) {
    params.from = toChTime(validDate("from", filter.from));
    where.push("started_at >= {from:DateTime64(3, 'UTC')}");
  }
  if (filter.to) {
    params.to = toChTime(validDate("to", filter.to));
    where.push("started_at < {to:DateTime64(3, 'UTC')}");
  }
  return where;
}

/** Conditions on one row: the latest row of a generation must satisfy them all. */
function rowConditions(filter: GenerationFilter, params: Params): string[] {
  const where: string[] = [];
  const equal = (field: keyof GenerationFilter, column: string) => {
    const value = filter[field];
    if (value === undefined || value === "") return;
    params[field] = value;
    where.push(`${column} = {${field}:String}`);
  };
  equal("userId", "user_id");
  equal("model", "model");
  equal("provider", "provider");
  equal("functionId", "function_id");
  if (filter.status !== undefined) {
    if (!GENERATION_STATUSES.includes(filter.status)) {
      throw new InvalidInputError(
        "status",
        `expected one of ${GENERATION_STATUSES.join(", ")}, got "${filter.status}"`,
      );
    }
    params.status = filter.status;
    where.push("status = {status:String}");
  }
  if (filter.tag) {
    params.tag = filter.tag;
    where.push("has(tags, {tag:String})");
  }
  if (filter.minCostNanos !== undefined) {
    params.minCost = nanosParam("minCostNanos", filter.minCostNanos);
    where.push("has_cost AND cost_total >= {minCost:UInt64}");
  }
  if (filter.maxCostNanos !== undefined) {
    params.maxCost = nanosParam("maxCostNanos", filter.maxCostNanos);
    where.push("has_cost AND cost_total <= {maxCost:UInt64}");
  }
  if (filter.text) {
    params.text = filter.text;
    where.push(
      "(positionCaseInsensitiveUTF8(prompt_text, {text:String}) > 0 OR positionCaseInsensitiveUTF8(output_text, {text:String}) > 0)",
    );
  }
  return where;
}

function nanosParam(field: string, value: number | bigint): string {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new InvalidInputError(field, `expected whole nano-dollars, got ${value}`);
  }
  if (value < 0) throw new InvalidInputError(field, `expected a non-negative amount, got ${value}`);
  return String(value);
}

function validDate(field: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidInputError(field, "expected a valid Date");
  }
  return value;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString("base64url");
}

function decodeCursor(text: string, sort: GenerationSort): Cursor {
  try {
    const [cursorSort, value, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (typeof value === "string" && typeof id === "string" && cursorSort === sort)
      return { sort, value, id };
  } catch {
    // fall through
  }
  throw new InvalidInputError(
    "cursor",
    `not a cursor of a "${sort}" listing (use the nextCursor of the previous page)`,
  );
}
