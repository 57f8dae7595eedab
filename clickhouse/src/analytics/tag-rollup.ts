import type { Params } from "../sql.ts";
import { withWriteLock } from "../store-types.ts";
import { type AnalyticsStore, chTime, runCommand } from "./sql.ts";

const DAY_MS = 86_400_000;
const FINAL = "status IN ('complete', 'error', 'aborted')";

/**
 * Recomputes the tag rollup of the UTC days touching `[from, to)` from the raw table, each
 * generation at its latest version (the tag counterpart of `reconcileRollups`).
 */
export async function rebuildTagRollup(
  store: AnalyticsStore,
  range: { from: Date; to: Date; projectId?: string },
): Promise<void> {
  const from = new Date(Math.floor(range.from.getTime() / DAY_MS) * DAY_MS);
  const to = new Date(Math.ceil(range.to.getTime() / DAY_MS) * DAY_MS);
  const params: Params = { from: chTime(from), to: chTime(to), projectId: range.projectId ?? "" };
  const project = "({projectId:String} = '' OR project_id = {projectId:String})";
  await withWriteLock(store, async () => {
    await runCommand(
      store,
      `ALTER TABLE {{local:generation_rollups_tags_hourly}}{{on_cluster}}
       DELETE WHERE hour >= {from:DateTime64(3, 'UTC')} AND hour < {to:DateTime64(3, 'UTC')} AND ${project}
       SETTINGS mutations_sync = 2`,
      params,
    );
    await runCommand(
      store,
      `INSERT INTO generation_rollups_tags_hourly
       SELECT project_id, toStartOfHour(started_at) AS hour,
         arrayJoin(if(empty(tags), [''], arrayDistinct(tags))) AS tag,
         user_id, model, provider, function_id, status,
         count(), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
         sum(reasoning_tokens), sum(cost_total), countIf(unpriced), countIf(cache_hit), sum(cost_saved_nanos)
       FROM (SELECT project_id, started_at, tags, user_id, model, provider, function_id, status, input_tokens,
               output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_total, unpriced,
               cache_hit, cost_saved_nanos
             FROM generations
             WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND ${project}
             ORDER BY version DESC LIMIT 1 BY id)
       WHERE ${FINAL}
       GROUP BY project_id, hour, tag, user_id, model, provider, function_id, status
       SETTINGS insert_deduplicate = 0`,
      params,
    );
  });
}
