import type { Params } from "../sql.ts";
import { withWriteLock } from "../store-types.ts";
import { HAS_USAGE_SQL } from "./signals.ts";
import { type AnalyticsStore, chTime, runCommand } from "./sql.ts";

const DAY_MS = 86_400_000;

/** The narrow rollups of migration 0024: table, time column, and dimension columns (with their expression). */
export const ANALYTICS_ROLLUPS = [
  {
    table: "generation_rollups_dims_hourly",
    time: "hour",
    timeExpr: "toStartOfHour(started_at)",
    dims: ["model", "provider", "function_id", "status"],
  },
  {
    table: "generation_rollups_users_daily",
    time: "day",
    timeExpr: "toDate(started_at)",
    dims: ["user_id"],
  },
  {
    table: "generation_rollups_tags_hourly",
    time: "hour",
    timeExpr: "toStartOfHour(started_at)",
    dims: [
      "arrayJoin(if(empty(tags), [''], arrayDistinct(tags))) AS tag",
      "model",
      "provider",
      "function_id",
      "status",
    ],
  },
] as const;

const MEASURES = `count(), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
  sum(reasoning_tokens), sum(cost_total), countIf(unpriced), countIf(cache_hit), sum(cost_saved_nanos)`;

/**
 * Recomputes the narrow analytics rollups (by model/function, by user, by tag, and the calls without
 * usage of migration 0026) for the UTC days
 * touching `[from, to)` from the raw table, each generation once at its latest version: the
 * counterpart of the package's `reconcileRollups` for the main rollups. The reprice runs both; run
 * both after a multi-writer race too. For closed days: a write landing meanwhile may be missed.
 */
export async function rebuildAnalyticsRollups(
  store: AnalyticsStore,
  range: { from: Date; to: Date; projectId?: string },
): Promise<void> {
  const from = new Date(Math.floor(range.from.getTime() / DAY_MS) * DAY_MS);
  const to = new Date(Math.ceil(range.to.getTime() / DAY_MS) * DAY_MS);
  const params: Params = { from: chTime(from), to: chTime(to), projectId: range.projectId ?? "" };
  const project = "({projectId:String} = '' OR project_id = {projectId:String})";
  const latest = `SELECT project_id, started_at, tags, user_id, model, provider, function_id, status, input_tokens,
      output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, images, cost_total, unpriced, cache_hit, cost_saved_nanos
    FROM generations
    WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND ${project}
    ORDER BY version DESC LIMIT 1 BY id`;
  await withWriteLock(store, async () => {
    for (const r of ANALYTICS_ROLLUPS) {
      const keys = r.dims.map((d) => d.split(" AS ").at(-1)!).join(", ");
      await runCommand(
        store,
        `ALTER TABLE {{local:${r.table}}}{{on_cluster}}
         DELETE WHERE ${r.time} >= {from:DateTime64(3, 'UTC')} AND ${r.time} < {to:DateTime64(3, 'UTC')} AND ${project}
         SETTINGS mutations_sync = 2`,
        params,
      );
      await runCommand(
        store,
        `INSERT INTO ${r.table}
         SELECT project_id, ${r.timeExpr} AS ${r.time}, ${r.dims.join(", ")}, ${MEASURES}
         FROM (${latest})
         WHERE status IN ('complete', 'error', 'aborted')
         GROUP BY project_id, ${r.time}, ${keys}
         SETTINGS insert_deduplicate = 0`,
        params,
      );
    }
    await runCommand(
      store,
      `ALTER TABLE {{local:generation_no_usage_hourly}}{{on_cluster}}
       DELETE WHERE hour >= {from:DateTime64(3, 'UTC')} AND hour < {to:DateTime64(3, 'UTC')} AND ${project}
       SETTINGS mutations_sync = 2`,
      params,
    );
    await runCommand(
      store,
      `INSERT INTO generation_no_usage_hourly
       SELECT project_id, toStartOfHour(started_at) AS hour, provider, model, user_id, function_id, tags, count()
       FROM (${latest})
       WHERE status IN ('complete', 'error', 'aborted') AND unpriced AND NOT ${HAS_USAGE_SQL}
       GROUP BY project_id, hour, provider, model, user_id, function_id, tags
       SETTINGS insert_deduplicate = 0`,
      params,
    );
  });
}
