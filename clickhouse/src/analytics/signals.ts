import { z } from "zod";
import type { Params } from "../sql.ts";
import { type AbuseOptions, type AbuseScore, scoreAbuse, type UserActivity } from "./abuse.ts";
import type { ErrorCounts } from "./error-rate.ts";
import { type AnalyticsStore, chTime, parseChTime, selectRows } from "./sql.ts";

// The live signals of the alert evaluator and the abuse page. They read the raw table over short
// windows (minutes to days), where the rollups' whole hours are too coarse. Each generation counts
// once, at its latest version (`ORDER BY version DESC LIMIT 1 BY id`, light columns only so the
// sort never carries prompt bodies), and only with a real outcome (complete, error, aborted).

const FINAL = "status IN ('complete', 'error', 'aborted')";
const count = z.union([z.string(), z.number()]).transform(Number);
const money = z.string().regex(/^\d+$/).transform(BigInt);

/** A half-open time window `[from, to)`. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

function checkWindows(windows: readonly TimeWindow[]): void {
  if (windows.length === 0 || windows.length > 100) throw new RangeError("windows: 1..100 time windows");
  for (const w of windows) {
    if (Number.isNaN(w.from.getTime()) || Number.isNaN(w.to.getTime()) || w.from >= w.to) {
      throw new RangeError("windows: each needs from < to");
    }
  }
}

/** `project_id = ...` when a project is given (else every project). */
function projectSql(projectId: string | undefined, params: Params): string {
  if (!projectId) return "1";
  params.projectId = projectId;
  return "project_id = {projectId:String}";
}

/** Window conditions `w0..wn` on `started_at`, with their parameters. */
function windowSql(windows: readonly TimeWindow[], params: Params): string[] {
  return windows.map((w, i) => {
    params[`f${i}`] = chTime(w.from);
    params[`t${i}`] = chTime(w.to);
    return `(started_at >= {f${i}:DateTime64(3, 'UTC')} AND started_at < {t${i}:DateTime64(3, 'UTC')})`;
  });
}

/**
 * Known spend (nano-dollars) of final generations in each window, optionally of one model
 * (requested model name). Unpriced generations add nothing.
 */
export async function spendInWindows(
  store: AnalyticsStore,
  query: { projectId?: string; windows: readonly TimeWindow[]; model?: string },
): Promise<bigint[]> {
  checkWindows(query.windows);
  const params: Params = {};
  const conds = windowSql(query.windows, params);
  const where = [projectSql(query.projectId, params), `(${conds.join(" OR ")})`];
  if (query.model) {
    params.model = query.model;
    where.push("model = {model:String}");
  }
  const Row = z.object(Object.fromEntries(conds.map((_, i) => [`w${i}`, money])));
  const [row] = await selectRows(
    store,
    `SELECT ${conds.map((c, i) => `toString(sumIf(toUInt128(cost_total), ${FINAL} AND ${c})) AS w${i}`).join(", ")}
     FROM (SELECT id, status, started_at, cost_total FROM generations
           WHERE ${where.join(" AND ")} ORDER BY version DESC LIMIT 1 BY id)`,
    Row,
    params,
  );
  return conds.map((_, i) => (row?.[`w${i}`] as bigint | undefined) ?? 0n);
}

/** Final requests and errors in each window. */
export async function errorCountsInWindows(
  store: AnalyticsStore,
  query: { projectId?: string; windows: readonly TimeWindow[] },
): Promise<ErrorCounts[]> {
  checkWindows(query.windows);
  const params: Params = {};
  const conds = windowSql(query.windows, params);
  const Row = z.object(
    Object.fromEntries(
      conds.flatMap((_, i) => [
        [`r${i}`, count],
        [`e${i}`, count],
      ]),
    ),
  );
  const [row] = await selectRows(
    store,
    `SELECT ${conds.map((c, i) => `countIf(${FINAL} AND ${c}) AS r${i}, countIf(status = 'error' AND ${c}) AS e${i}`).join(", ")}
     FROM (SELECT id, status, started_at FROM generations
           WHERE ${projectSql(query.projectId, params)} AND (${conds.join(" OR ")})
           ORDER BY version DESC LIMIT 1 BY id)`,
    Row,
    params,
  );
  return conds.map((_, i) => ({
    requests: (row?.[`r${i}`] as number | undefined) ?? 0,
    errors: (row?.[`e${i}`] as number | undefined) ?? 0,
  }));
}

const ActivityRow = z.object({
  user_id: z.string(),
  requests: count,
  cost: money,
  distinct_prompts: count,
  errors: count,
  filtered: count,
  avg_prompt_chars: z.union([z.string(), z.number()]).transform(Number),
});
const PeakRow = z.object({ user_id: z.string(), peak: count, base_peak: count });
const FirstSeenRow = z.object({ user_id: z.string(), first: z.string() });

/**
 * Per-user activity in `[from, to)` for abuse scoring: requests, spend, peak requests per minute
 * (and the same user's peak over `[baselineFrom, from)`), distinct prompts, errors, content-filter
 * stops, average prompt size, and the first day the user was ever seen. Generations without a user
 * are left out. Peaks count stored records that are not pending (one per call, plus any repriced
 * version: an approximation that keeps the long baseline scan cheap).
 */
export async function userActivity(
  store: AnalyticsStore,
  query: { projectId?: string; from: Date; to: Date; baselineFrom: Date },
): Promise<UserActivity[]> {
  checkWindows([{ from: query.from, to: query.to }]);
  if (!(query.baselineFrom <= query.from)) throw new RangeError("baselineFrom must not be after from");
  const params: Params = {
    from: chTime(query.from),
    to: chTime(query.to),
    baselineFrom: chTime(query.baselineFrom),
  };
  const project = projectSql(query.projectId, params);
  const [activity, peaks] = await Promise.all([
    selectRows(
      store,
      `SELECT user_id, count() AS requests, toString(sum(toUInt128(cost_total))) AS cost,
         uniqExact(prompt_hash) AS distinct_prompts, countIf(status = 'error') AS errors,
         countIf(finish_reason = 'content-filter') AS filtered, avg(prompt_chars) AS avg_prompt_chars
       FROM (SELECT id, user_id, status, cost_total, finish_reason,
               cityHash64(prompt_text) AS prompt_hash, lengthUTF8(prompt_text) AS prompt_chars
             FROM generations
             WHERE ${project} AND user_id != '' AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
             ORDER BY version DESC LIMIT 1 BY id)
       WHERE ${FINAL}
       GROUP BY user_id`,
      ActivityRow,
      params,
    ),
    selectRows(
      store,
      `SELECT user_id, maxIf(c, m >= {from:DateTime64(3, 'UTC')}) AS peak, maxIf(c, m < {from:DateTime64(3, 'UTC')}) AS base_peak
       FROM (SELECT user_id, toStartOfMinute(started_at) AS m, count() AS c FROM generations
             WHERE ${project} AND user_id != '' AND status != 'pending'
               AND started_at >= {baselineFrom:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
             GROUP BY user_id, m)
       GROUP BY user_id`,
      PeakRow,
      params,
    ),
  ]);
  if (activity.length === 0) return [];
  const firstSeen = await selectRows(
    store,
    `SELECT user_id, toString(min(day)) AS first FROM generation_rollups_users_daily
     WHERE ${project} AND user_id IN {users:Array(String)} GROUP BY user_id`,
    FirstSeenRow,
    { ...params, users: activity.map((a) => a.user_id) },
  );
  const peakBy = new Map(peaks.map((p) => [p.user_id, p]));
  const firstBy = new Map(firstSeen.map((f) => [f.user_id, parseChTime(f.first)]));
  return activity.map((a) => ({
    userId: a.user_id,
    requests: a.requests,
    costNanos: a.cost,
    peakPerMinute: peakBy.get(a.user_id)?.peak ?? 0,
    baselinePeakPerMinute: peakBy.get(a.user_id)?.base_peak ?? 0,
    distinctPrompts: a.distinct_prompts,
    errors: a.errors,
    contentFiltered: a.filtered,
    avgPromptChars: Number.isFinite(a.avg_prompt_chars) ? a.avg_prompt_chars : 0,
    firstSeenAt: firstBy.get(a.user_id) ?? query.from,
  }));
}

/** The abuse page's data: every active user scored, suspicious ones ranked first. */
export interface AbuseReport {
  from: Date;
  to: Date;
  activeUsers: number;
  /** Users with at least one signal, highest score first. */
  users: AbuseScore[];
}

/** Scores the users active in `[from, to)` (baseline: the `baselineDays` before). */
export async function abuseReport(
  store: AnalyticsStore,
  query: { projectId?: string; from: Date; to: Date; baselineDays?: number; options?: AbuseOptions },
): Promise<AbuseReport> {
  const baselineFrom = new Date(query.from.getTime() - (query.baselineDays ?? 7) * 86_400_000);
  const users = await userActivity(store, {
    projectId: query.projectId,
    from: query.from,
    to: query.to,
    baselineFrom,
  });
  return {
    from: query.from,
    to: query.to,
    activeUsers: users.length,
    users: scoreAbuse(users, { now: query.to, ...query.options }),
  };
}

const UnpricedRow = z.object({ provider: z.string(), model: z.string(), n: count, first: z.string() });

/**
 * Some usage was recorded. An unpriced row without any (a stream aborted before the provider sent
 * usage) has an unknown cost whatever the catalog says: it is no sign of a missing price.
 */
export const HAS_USAGE_SQL =
  "(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens + reasoning_tokens + images) > 0";

/**
 * Models with unpriced final generations in `[from, to)`, most requests first: models that lack a
 * price entry. Generations that reported no usage at all are left out (their cost is unknown
 * because the usage is, not the price).
 */
export async function unpricedModels(
  store: AnalyticsStore,
  query: { projectId?: string; from: Date; to: Date },
): Promise<Array<{ provider: string; model: string; requests: number; firstSeenAt: Date }>> {
  checkWindows([{ from: query.from, to: query.to }]);
  const params: Params = { from: chTime(query.from), to: chTime(query.to) };
  const rows = await selectRows(
    store,
    `SELECT provider, model, count() AS n, toString(min(started_at)) AS first
     FROM (SELECT id, status, provider, model, unpriced, started_at, input_tokens, output_tokens,
             cache_read_tokens, cache_write_tokens, reasoning_tokens, images FROM generations
           WHERE ${projectSql(query.projectId, params)} AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
           ORDER BY version DESC LIMIT 1 BY id)
     WHERE unpriced AND ${FINAL} AND ${HAS_USAGE_SQL}
     GROUP BY provider, model ORDER BY n DESC, provider, model LIMIT 100`,
    UnpricedRow,
    params,
  );
  return rows.map((r) => ({
    provider: r.provider,
    model: r.model,
    requests: r.n,
    firstSeenAt: parseChTime(r.first),
  }));
}

/** Start of the first hour with final generations of the project (null when none): history before it is missing, not zero. */
export async function dataSince(
  store: AnalyticsStore,
  query: { projectId?: string } = {},
): Promise<Date | null> {
  const params: Params = {};
  const [row] = await selectRows(
    store,
    `SELECT toString(min(hour)) AS first, count() AS n FROM generation_rollups_dims_hourly WHERE ${projectSql(query.projectId, params)}`,
    z.object({ first: z.string(), n: count }),
    params,
  );
  return row && row.n > 0 ? parseChTime(row.first) : null;
}
