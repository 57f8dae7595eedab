import type { GenerationFilter } from "@genledger/clickhouse";
import type { GenerationStatus } from "@genledger/core";
import type { Access } from "./principal.ts";

export type { GenerationFilter };

/** The query parameters the list page and `GET /api/v1/generations` accept. */
export const FILTER_PARAMS = [
  "user",
  "model",
  "provider",
  "status",
  "function",
  "tag",
  "range",
  "from",
  "to",
  "minCost",
  "maxCost",
  "q",
  "sort",
  "limit",
  "cursor",
] as const;

const STATUSES: readonly GenerationStatus[] = ["pending", "complete", "error", "aborted", "abandoned"];
const SORTS = ["newest", "oldest", "cost", "latency"] as const;
const RANGES: Record<string, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** A bad query parameter: `param` names it, `message` says what was expected. */
export class FilterError extends Error {
  override name = "FilterError";
  readonly param: string;
  constructor(param: string, message: string) {
    super(`${param}: ${message}`);
    this.param = param;
  }
}

/** Dollars as typed (`0.05`, `12`, `$1.5`) to integer nano-dollars, without floating point. */
export function parseUsdToNanos(param: string, value: string): number {
  const match = /^\$?\s*(\d{1,9})(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!match) throw new FilterError(param, `expected an amount in dollars such as 0.05, got "${value}"`);
  return Number(BigInt(match[1] ?? "0") * 1_000_000_000n + BigInt((match[2] ?? "").padEnd(9, "0")));
}

/** ISO time, or a `datetime-local` value (read as UTC, which the form says). */
function parseTime(param: string, value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value}Z` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new FilterError(
      param,
      `expected a time such as 2025-01-31T14:00 (UTC) or an ISO timestamp, got "${value}"`,
    );
  }
  return date;
}

/** The values as typed, for refilling the form. */
export type FilterValues = Partial<Record<(typeof FILTER_PARAMS)[number], string>>;

/**
 * Turns query parameters into a `listGenerations` filter, scoped to what `access` may read. Text search
 * (`q`) needs a role that may read text: searching is a way of reading.
 * Throws {@link FilterError} naming the first bad parameter.
 */
export function parseGenerationFilter(
  params: URLSearchParams,
  access: Access,
  defaults: { limit: number; maxLimit: number },
): { filter: GenerationFilter; values: FilterValues } {
  const values: FilterValues = {};
  for (const name of FILTER_PARAMS) {
    const value = params.get(name)?.trim();
    if (value) values[name] = value;
  }
  const filter: GenerationFilter = { sort: "newest", limit: defaults.limit };
  if (access.projectId) filter.projectId = access.projectId;
  if (values.user) filter.userId = values.user;
  if (values.model) filter.model = values.model;
  if (values.provider) filter.provider = values.provider;
  if (values.function) filter.functionId = values.function;
  if (values.tag) filter.tag = values.tag;
  if (values.status) {
    if (!STATUSES.includes(values.status as GenerationStatus)) {
      throw new FilterError("status", `expected one of ${STATUSES.join(", ")}, got "${values.status}"`);
    }
    filter.status = values.status as GenerationStatus;
  }
  if (values.range) {
    const span = RANGES[values.range];
    if (span === undefined)
      throw new FilterError("range", `expected one of ${Object.keys(RANGES).join(", ")}`);
    filter.from = new Date(Date.now() - span);
  }
  if (values.from) filter.from = parseTime("from", values.from);
  if (values.to) filter.to = parseTime("to", values.to);
  if (filter.from && filter.to && filter.from > filter.to) throw new FilterError("from", "is after `to`");
  if (values.minCost) filter.minCostNanos = parseUsdToNanos("minCost", values.minCost);
  if (values.maxCost) filter.maxCostNanos = parseUsdToNanos("maxCost", values.maxCost);
  if (values.q) {
    if (!access.text) throw new FilterError("q", "your role cannot search prompt and output text");
    filter.text = values.q.slice(0, 500);
  }
  if (values.sort) {
    if (!(SORTS as readonly string[]).includes(values.sort)) {
      throw new FilterError("sort", `expected one of ${SORTS.join(", ")}, got "${values.sort}"`);
    }
    filter.sort = values.sort as (typeof SORTS)[number];
  }
  if (values.limit) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > defaults.maxLimit) {
      throw new FilterError("limit", `expected a whole number from 1 to ${defaults.maxLimit}`);
    }
    filter.limit = limit;
  }
  if (values.cursor) filter.cursor = values.cursor;
  return { filter, values };
}
