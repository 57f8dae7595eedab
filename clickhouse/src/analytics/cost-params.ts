import {
  COST_DIMENSIONS,
  type CostDimension,
  type CostQuery,
  GRANULARITIES,
  type Granularity,
} from "./cost-types.ts";

/** A bad costs query parameter: `param` names it. */
export class CostParamError extends Error {
  override name = "CostParamError";
  readonly param: string;
  constructor(param: string, message: string) {
    super(`${param}: ${message}`);
    this.param = param;
  }
}

/** Named ranges accepted as `range=`. */
export const COST_RANGES: Record<string, number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  "90d": 90 * 86_400_000,
};

/** Longest range one query may cover (400 days, the rollups' retention). */
const MAX_RANGE_MS = 400 * 86_400_000;

/** A time parameter; `datetime-local` values carry no zone (the forms say UTC), a bare date `to` includes that day. */
function parseTime(param: "from" | "to", value: string): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const text = dateOnly
    ? `${value}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)
      ? `${value}Z`
      : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new CostParamError(param, `expected a date such as 2026-01-31 or an ISO timestamp, got "${value}"`);
  }
  return dateOnly && param === "to" ? new Date(date.getTime() + 86_400_000) : date;
}

/** A granularity that keeps a range under ~2 000 buckets. */
export function defaultGranularity(spanMs: number): Granularity {
  if (spanMs <= 3 * 86_400_000) return "hour";
  if (spanMs <= 180 * 86_400_000) return "day";
  return "week";
}

/**
 * Reads a costs query from URL parameters (the page, the JSON API and the CSV export share it):
 * `from`, `to` (ISO or `YYYY-MM-DD`, UTC; a bare date `to` includes that day) or `range` (24h, 7d,
 * 30d, 90d; default 30d),
 * `granularity` (hour, day, week, month), `group_by` (model, user, function, tag, provider),
 * and the filters `model`, `user`, `function`, `tag`, `provider`.
 * Throws {@link CostParamError} naming the first bad parameter.
 */
export function parseCostQuery(
  params: URLSearchParams,
  options: { now?: Date; projectId?: string } = {},
): CostQuery {
  const now = options.now ?? new Date();
  const get = (name: string) => params.get(name)?.trim() || undefined;
  const range = get("range");
  if (range !== undefined && COST_RANGES[range] === undefined) {
    throw new CostParamError(
      "range",
      `expected one of ${Object.keys(COST_RANGES).join(", ")}, got "${range}"`,
    );
  }
  const toText = get("to");
  const fromText = get("from");
  const to = toText ? parseTime("to", toText) : now;
  const from = fromText ? parseTime("from", fromText) : new Date(to.getTime() - COST_RANGES[range ?? "30d"]!);
  if (from >= to) throw new CostParamError("from", "must be before `to`");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new CostParamError("from", "the range may cover at most 400 days");
  const groupBy = (get("group_by") ?? get("groupBy") ?? "model") as CostDimension;
  if (!COST_DIMENSIONS.includes(groupBy)) {
    throw new CostParamError("group_by", `expected one of ${COST_DIMENSIONS.join(", ")}, got "${groupBy}"`);
  }
  const granularity = (get("granularity") ??
    defaultGranularity(to.getTime() - from.getTime())) as Granularity;
  if (!GRANULARITIES.includes(granularity)) {
    throw new CostParamError(
      "granularity",
      `expected one of ${GRANULARITIES.join(", ")}, got "${granularity}"`,
    );
  }
  if (granularity === "hour" && to.getTime() - from.getTime() > 31 * 86_400_000) {
    throw new CostParamError("granularity", "hourly buckets cover at most 31 days; pick day or week");
  }
  const filter: NonNullable<CostQuery["filter"]> = {};
  const model = get("model");
  const user = get("user");
  const fn = get("function");
  const tag = get("tag");
  const provider = get("provider");
  if (model) filter.model = model;
  if (user) filter.userId = user;
  if (fn) filter.functionId = fn;
  if (tag) filter.tag = tag;
  if (provider) filter.provider = provider;
  if ((groupBy === "tag" || filter.tag) && (groupBy === "user" || filter.userId)) {
    throw new CostParamError(
      "tag",
      "cannot be combined with user: group by one and filter by the other is not supported",
    );
  }
  const query: CostQuery = { from, to, granularity, groupBy, filter };
  if (options.projectId) query.projectId = options.projectId;
  return query;
}

/** The URL parameters of a costs query (the inverse of {@link parseCostQuery}), for links and the CSV export. */
export function costQueryParams(query: CostQuery): URLSearchParams {
  const p = new URLSearchParams({
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    granularity: query.granularity,
    group_by: query.groupBy,
  });
  const f = query.filter ?? {};
  if (f.model) p.set("model", f.model);
  if (f.userId) p.set("user", f.userId);
  if (f.functionId) p.set("function", f.functionId);
  if (f.tag) p.set("tag", f.tag);
  if (f.provider) p.set("provider", f.provider);
  return p;
}
