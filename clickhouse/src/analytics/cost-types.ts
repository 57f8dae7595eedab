/** What spend can be broken down by. */
export const COST_DIMENSIONS = ["model", "user", "function", "tag", "provider"] as const;
/** One of {@link COST_DIMENSIONS}. */
export type CostDimension = (typeof COST_DIMENSIONS)[number];

/** Time-bucket sizes of the costs views (UTC; weeks start on Monday). */
export const GRANULARITIES = ["hour", "day", "week", "month"] as const;
/** One of {@link GRANULARITIES}. */
export type Granularity = (typeof GRANULARITIES)[number];

/** Narrows a costs query to one model / user / function / tag / provider. */
export interface CostFilter {
  model?: string;
  userId?: string;
  functionId?: string;
  tag?: string;
  provider?: string;
}

/** A costs query: `[from, to)` (rounded out to whole hours), bucketed and grouped. */
export interface CostQuery {
  /** Undefined = every project. */
  projectId?: string;
  from: Date;
  to: Date;
  granularity: Granularity;
  groupBy: CostDimension;
  filter?: CostFilter;
  /**
   * `all` (default): every bucket x group row, as the API and CSV return them. `top`: the `topN`
   * groups by spend, the rest summed per bucket as "(other)": what a chart needs, cheaper for
   * high-cardinality groups such as users.
   */
  rows?: "all" | "top";
  /** Groups kept by `rows: "top"`. Default 8. */
  topN?: number;
}

/** Additive measures of a set of generations. Money in integer nano-dollars. */
export interface CostMetrics {
  requests: number;
  /** All input tokens, cached reads and writes included. */
  inputTokens: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanos: bigint;
  /** Final generations without a price: their cost is unknown, not zero. */
  unpricedRequests: number;
  cacheHits: number;
  /** What cache hits would have cost. */
  savedNanos: bigint;
}

/** One time bucket of one group. */
export interface CostRow extends CostMetrics {
  bucket: Date;
  /** The group's value ("" when unset, e.g. generations without a user). */
  group: string;
}

/** One group over the whole range, compared with the previous range of the same length. */
export interface CostGroup extends CostMetrics {
  group: string;
  previousCostNanos: bigint;
  previousRequests: number;
  /** `costNanos - previousCostNanos`. */
  deltaNanos: bigint;
}

/** Unpriced generations of one model. */
export interface UnpricedModel {
  provider: string;
  model: string;
  requests: number;
}

/** The token mix of a range: input split into uncached, cache read and cache write; output into visible and reasoning. */
export interface TokenMix {
  uncachedInput: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

/** Everything the costs page and API show for one query. */
export interface CostReport {
  query: CostQuery;
  /** `from`/`to` after rounding to whole hours (what was actually counted). */
  from: Date;
  to: Date;
  previousFrom: Date;
  previousTo: Date;
  totals: CostMetrics;
  previous: CostMetrics;
  /** Every bucket start in the range, including empty ones. */
  buckets: Date[];
  /** Bucket x group rows (only non-empty ones), ordered by bucket then spend. */
  rows: CostRow[];
  /** Groups ordered by spend, largest first (with `rows: "top"`: the top 50, see `groupCount`). */
  groups: CostGroup[];
  /** How many groups had requests in either period. */
  groupCount: number;
  /** Groups whose spend changed most (either way), largest change first; at most 10. */
  movers: CostGroup[];
  tokenMix: TokenMix;
  /**
   * Models with final generations that have no cost because the model has no price entry (the
   * fix: add a price, then reprice), most first; at most 50. Calls without usage are not in here.
   */
  unpriced: UnpricedModel[];
  /**
   * Of `totals.unpricedRequests`, final generations whose provider reported no usage at all (a call
   * aborted or failed before the usage arrived): unknown cost whatever the price catalog says.
   */
  noUsage: number;
}
