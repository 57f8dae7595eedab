import type { CostGroup, CostMetrics, CostRow, Granularity, TokenMix } from "./cost-types.ts";

const HOUR_MS = 3_600_000;

/** Empty {@link CostMetrics}. */
export function zeroMetrics(): CostMetrics {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costNanos: 0n,
    unpricedRequests: 0,
    cacheHits: 0,
    savedNanos: 0n,
  };
}

/** Adds `b` into `a` (exact: money stays bigint). */
export function addMetrics(a: CostMetrics, b: CostMetrics): CostMetrics {
  return {
    requests: a.requests + b.requests,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    costNanos: a.costNanos + b.costNanos,
    unpricedRequests: a.unpricedRequests + b.unpricedRequests,
    cacheHits: a.cacheHits + b.cacheHits,
    savedNanos: a.savedNanos + b.savedNanos,
  };
}

/** `[from, to)` widened to whole UTC hours, the rollups' resolution. Throws when `from >= to`. */
export function alignRange(from: Date, to: Date): { from: Date; to: Date } {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new RangeError("costs range: invalid date");
  if (from >= to) throw new RangeError("costs range: from must be before to");
  const f = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  const t = Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS;
  return { from: new Date(f), to: new Date(t) };
}

/** The range of the same length right before `[from, to)`. */
export function previousRange(from: Date, to: Date): { from: Date; to: Date } {
  const span = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - span), to: new Date(from.getTime()) };
}

/** Start of the bucket containing `at` (UTC; Monday weeks). */
export function bucketStart(at: Date, granularity: Granularity): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (granularity) {
    case "hour":
      return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
    case "day":
      return new Date(Date.UTC(y, m, d));
    case "week":
      return new Date(Date.UTC(y, m, d - ((at.getUTCDay() + 6) % 7)));
    case "month":
      return new Date(Date.UTC(y, m, 1));
  }
}

/** Every bucket start from the one containing `from` up to `to` (exclusive). At most 10 000. */
export function bucketList(from: Date, to: Date, granularity: Granularity): Date[] {
  const out: Date[] = [];
  let cursor = bucketStart(from, granularity);
  while (cursor < to) {
    out.push(cursor);
    if (out.length > 10_000)
      throw new RangeError("costs range: too many buckets; pick a coarser granularity");
    const next = new Date(cursor);
    if (granularity === "hour") next.setTime(cursor.getTime() + HOUR_MS);
    else if (granularity === "day") next.setUTCDate(next.getUTCDate() + 1);
    else if (granularity === "week") next.setUTCDate(next.getUTCDate() + 7);
    else next.setUTCMonth(next.getUTCMonth() + 1);
    cursor = next;
  }
  return out;
}

/** The token mix of some metrics (input includes cache reads and writes; output includes reasoning). */
export function tokenMix(m: CostMetrics): TokenMix {
  return {
    uncachedInput: Math.max(0, m.inputTokens - m.cacheReadTokens - m.cacheWriteTokens),
    cacheRead: m.cacheReadTokens,
    cacheWrite: m.cacheWriteTokens,
    output: Math.max(0, m.outputTokens - m.reasoningTokens),
    reasoning: m.reasoningTokens,
  };
}

/** Groups with the largest absolute change first (ties: larger current spend), without unchanged ones. */
export function topMovers(groups: readonly CostGroup[], limit = 10): CostGroup[] {
  const abs = (v: bigint) => (v < 0n ? -v : v);
  return groups
    .filter((g) => g.deltaNanos !== 0n)
    .sort((a, b) => {
      const d = abs(b.deltaNanos) - abs(a.deltaNanos);
      if (d !== 0n) return d > 0n ? 1 : -1;
      return b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : a.group.localeCompare(b.group);
    })
    .slice(0, limit);
}

/** Label of the bucket that sums every group outside the top N. */
export const OTHER_GROUP = "(other)";

/**
 * Chart series: one per top group (by spend) plus {@link OTHER_GROUP}, each with a value per
 * bucket (zero-filled). Values are nano-dollars as numbers, fine for drawing, never for sums.
 */
export function chartSeries(
  rows: readonly CostRow[],
  groups: readonly CostGroup[],
  buckets: readonly Date[],
  topN = 8,
): { keys: string[]; points: Array<{ bucket: string } & Record<string, number | string>> } {
  const top = groups.slice(0, topN).map((g) => g.group);
  const topSet = new Set(top);
  const hasOther = groups.length > topN;
  const keys = hasOther ? [...top, OTHER_GROUP] : top;
  const index = new Map(buckets.map((b, i) => [b.getTime(), i]));
  const points = buckets.map((b) => {
    const point: { bucket: string } & Record<string, number | string> = { bucket: b.toISOString() };
    for (const k of keys) point[label(k)] = 0;
    return point;
  });
  for (const row of rows) {
    const i = index.get(row.bucket.getTime());
    if (i === undefined) continue;
    const key = label(topSet.has(row.group) ? row.group : OTHER_GROUP);
    const point = points[i]!;
    point[key] = Number(point[key] ?? 0) + Number(row.costNanos);
  }
  return { keys: keys.map(label), points };
}

/** Display name of a group value ("" is shown as "(none)"). */
export function label(group: string): string {
  return group === "" ? "(none)" : group;
}
