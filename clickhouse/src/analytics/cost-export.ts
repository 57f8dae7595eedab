import type { CostGroup, CostMetrics, CostReport, CostRow } from "./cost-types.ts";

/** {@link CostMetrics} as JSON: money as decimal strings of nano-dollars (exact beyond 2^53). */
export interface CostMetricsJson {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanos: string;
  unpricedRequests: number;
  cacheHits: number;
  savedNanos: string;
}

function metricsJson(m: CostMetrics): CostMetricsJson {
  return {
    requests: m.requests,
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    cacheReadTokens: m.cacheReadTokens,
    cacheWriteTokens: m.cacheWriteTokens,
    reasoningTokens: m.reasoningTokens,
    costNanos: m.costNanos.toString(),
    unpricedRequests: m.unpricedRequests,
    cacheHits: m.cacheHits,
    savedNanos: m.savedNanos.toString(),
  };
}

function groupJson(g: CostGroup) {
  return {
    group: g.group,
    ...metricsJson(g),
    previousCostNanos: g.previousCostNanos.toString(),
    previousRequests: g.previousRequests,
    deltaNanos: g.deltaNanos.toString(),
  };
}

/** The JSON body of `GET /api/v1/costs`. */
export function costReportJson(report: CostReport) {
  return {
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    previousFrom: report.previousFrom.toISOString(),
    previousTo: report.previousTo.toISOString(),
    granularity: report.query.granularity,
    groupBy: report.query.groupBy,
    totals: metricsJson(report.totals),
    previous: metricsJson(report.previous),
    tokenMix: report.tokenMix,
    groups: report.groups.map(groupJson),
    movers: report.movers.map(groupJson),
    rows: report.rows.map((r) => ({ bucket: r.bucket.toISOString(), group: r.group, ...metricsJson(r) })),
    unpriced: report.unpriced,
    noUsage: report.noUsage,
  };
}

/** Columns of the costs CSV, in order: one line per row of the API's `rows`. */
export const COST_CSV_COLUMNS = [
  "bucket",
  "group_by",
  "group",
  "requests",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "cost_nanos",
  "cost_usd",
  "unpriced_requests",
  "cache_hits",
  "saved_nanos",
] as const;

/** Nano-dollars as an exact decimal dollar string with 9 decimals (`1.500000000`). */
export function nanosToUsdString(nanos: bigint): string {
  const negative = nanos < 0n;
  const n = negative ? -nanos : nanos;
  return `${negative ? "-" : ""}${n / 1_000_000_000n}.${(n % 1_000_000_000n).toString().padStart(9, "0")}`;
}

/**
 * One CSV cell. Quotes when needed, and defuses spreadsheet formulas: a value starting with
 * `=`, `+`, `-`, `@`, tab or CR (user IDs and tags are user-controlled) gets a leading `'`.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The costs CSV: the same rows, in the same order, as the API's `rows`. */
export function costRowsCsv(rows: readonly CostRow[], groupBy: string): string {
  const lines = [COST_CSV_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.bucket.toISOString(),
        groupBy,
        r.group,
        r.requests,
        r.inputTokens,
        r.outputTokens,
        r.cacheReadTokens,
        r.cacheWriteTokens,
        r.reasoningTokens,
        r.costNanos.toString(),
        nanosToUsdString(r.costNanos),
        r.unpricedRequests,
        r.cacheHits,
        r.savedNanos.toString(),
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
