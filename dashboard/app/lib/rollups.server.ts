import type { SpendRow as RollupRow } from "@genledger/clickhouse";
import type { SpendPoint } from "../components/spend-chart.tsx";

/** Totals of rollup rows, summed exactly (bigint money). */
export interface Totals {
  requests: number;
  costNanos: bigint;
  unpricedRequests: number;
  cacheHits: number;
  savedNanos: bigint;
  inputTokens: number;
  outputTokens: number;
}

/** Adds rollup rows up. */
export function sumRows(rows: RollupRow[]): Totals {
  const totals: Totals = {
    requests: 0,
    costNanos: 0n,
    unpricedRequests: 0,
    cacheHits: 0,
    savedNanos: 0n,
    inputTokens: 0,
    outputTokens: 0,
  };
  for (const row of rows) {
    totals.requests += Number(row.requests);
    totals.costNanos += BigInt(row.costNanos);
    totals.unpricedRequests += Number(row.unpricedRequests);
    totals.cacheHits += Number(row.cacheHits);
    totals.savedNanos += BigInt(row.savedNanos);
    totals.inputTokens += Number(row.inputTokens);
    totals.outputTokens += Number(row.outputTokens);
  }
  return totals;
}

/** Groups rollup rows by a key and sums each group, largest spend first. */
export function groupTotals(
  rows: RollupRow[],
  key: (row: RollupRow) => string,
): Array<{ key: string } & Totals> {
  const groups = new Map<string, RollupRow[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k) ?? [];
    list.push(row);
    groups.set(k, list);
  }
  return [...groups.entries()]
    .map(([k, list]) => ({ key: k, ...sumRows(list) }))
    .sort((a, b) =>
      b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : b.requests - a.requests,
    );
}

/** One point per day from `from` to `to`, zero-filled, for the spend chart. */
export function dailyPoints(rows: RollupRow[], from: Date, to: Date): SpendPoint[] {
  const byDay = new Map<string, RollupRow[]>();
  for (const row of rows) {
    const day = new Date(row.bucket).toISOString().slice(0, 10);
    const list = byDay.get(day) ?? [];
    list.push(row);
    byDay.set(day, list);
  }
  const points: SpendPoint[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor <= to) {
    const day = cursor.toISOString().slice(0, 10);
    const totals = sumRows(byDay.get(day) ?? []);
    points.push({ label: day.slice(5), costNanos: Number(totals.costNanos), requests: totals.requests });
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return points;
}

/**
 * The next midnight UTC after `now` (the end of today). A range ending there is made of whole days,
 * which `spendRollup` reads from its daily rollups instead of the hourly one (half the time or less
 * at 1M generations, BENCHMARKS.md Store); nothing is stored after now, so the totals are the same.
 */
export function endOfToday(now = new Date()): Date {
  return daysAgo(-1, now);
}

/** Midnight UTC `days` days ago. */
export function daysAgo(days: number, now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days));
}
