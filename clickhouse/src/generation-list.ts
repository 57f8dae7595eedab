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
  /** ClickHouse type of the sort value, for the cursor parameter. */
  type: string;
  desc: boolean;
}

const SORTS: Record<GenerationSort, SortSpec> = {
  newest: { expr: "started_at", type: "DateTime64(3, 'UTC')", desc: true },
  oldest: { expr: "started_at", type: "DateTime64(3, 'UTC')", desc: false },
  cost: { expr: "cost_total", type: "UInt64", desc: true },
  latency: { expr: "ifNull(latency_ms, 0)", type: "UInt32", desc: true },
};

interface Cursor {
  sort: GenerationSort;
  value: string;
  id: string;
}

/**
 * A page of generations, newest first by default, each in its latest state (a pending record that
 * completed shows once, as complete). Filters apply to that latest state; `text` matches the prompt
 * or output of any stored version. The cursor encodes (sort value, id), so pages neither repeat
 * nor skip rows.
 *
 * Plan: pick the page's (id, version) pairs reading light columns only, then fetch the list
 * columns for those rows. Pass `from`/`to`: without a time range every row of the project is read.
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
  const params: Params = { limit: limit + 1 };
  const scope = scopeConditions(filter, params);
  const candidates = candidateConditions(filter, params);
  const latest = latestConditions(filter, params);
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor, sort);
    params.cursorValue = cursor.value;
    params.cursorId = cursor.id;
    latest.push(`(sort_value, id) ${spec.desc ? "<" : ">"} ({cursorValue:${spec.type}}, {cursorId:String})`);
  }
  const dir = spec.desc ? "DESC" : "ASC";
  const scopeSql = scope.length > 0 ? scope.join(" AND ") : "1";
  const candidateSql =
    candidates.length > 0
      ? `AND id IN (SELECT id FROM generations WHERE ${scopeSql} AND ${candidates.join(" AND ")})`
      : "";
  const query = `
    SELECT id, ${SUMMARY_COLUMNS.join(", ")}, toString(${spec.expr}) AS sort_text
    FROM generations
    WHERE ${scopeSql}
      AND (id, version) IN (
        SELECT id, version FROM (
          SELECT id, version, status, user_id, model, provider, function_id, tags, has_cost, cost_total,
                 ${spec.expr} AS sort_value
          FROM generations
          WHERE ${scopeSql} ${candidateSql}
          ORDER BY version DESC
          LIMIT 1 BY id
        )
        WHERE ${latest.length > 0 ? latest.join(" AND ") : "1"}
        ORDER BY sort_value ${dir}, id ${dir}
        LIMIT {limit:UInt32}
      )
    ORDER BY ${spec.expr} ${dir}, id ${dir}
    LIMIT 1 BY id
    LIMIT {limit:UInt32}
    SETTINGS distributed_product_mode = 'local'`;
  const rows = await queryRows(
    store,
    query,
    SummaryRow.extend({ id: z.string(), sort_text: z.string() }),
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(rowToSummary),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ sort, value: last.sort_text, id: last.id }) : null,
  };
}

/** Conditions on fields fixed at call start (project, start time): safe before picking the latest row. */
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

/**
 * Selective conditions checked on any stored row to shortlist ids (uses the user and text skip
 * indexes); the latest row is then checked again by {@link latestConditions}.
 */
function candidateConditions(filter: GenerationFilter, params: Params): string[] {
  const where: string[] = [];
  if (filter.userId) where.push("user_id = {userId:String}");
  if (filter.text) {
    params.text = filter.text;
    where.push(
      "(positionCaseInsensitiveUTF8(prompt_text, {text:String}) > 0 OR positionCaseInsensitiveUTF8(output_text, {text:String}) > 0)",
    );
  }
  return where;
}

/** Conditions on the latest row of each generation. */
function latestConditions(filter: GenerationFilter, params: Params): string[] {
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
