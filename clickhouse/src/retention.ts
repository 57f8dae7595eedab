import { z } from "zod";
import type { RetentionDays } from "./config.ts";
import { resolveRetention } from "./config.ts";
import { execute, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { storeTarget } from "./store-types.ts";
import { ttlExpression } from "./template.ts";

type DataClass = keyof RetentionDays;

/** Row TTLs per class: table and the time column the TTL counts from. */
const ROW_TTLS: Record<Exclude<DataClass, "textDays">, Array<[table: string, column: string]>> = {
  rawDays: [
    ["generations", "started_at"],
    ["generation_ids", "started_at"],
    ["spans", "start_time"],
  ],
  rollupDays: [
    ["generation_rollups_hourly", "hour"],
    ["generation_rollups_daily", "day"],
    ["generation_rollups_user_model_daily", "day"],
    ["generation_rollups_dims_hourly", "hour"],
    ["generation_rollups_users_daily", "day"],
    ["generation_rollups_tags_hourly", "hour"],
    ["generation_no_usage_hourly", "hour"],
  ],
};

/** Column TTLs of the text class: prompt and output bodies, their search text and previews. */
const TEXT_COLUMNS = ["prompt", "output", "prompt_text", "output_text", "prompt_preview", "output_preview"];

/**
 * Changes retention (`ALTER ... MODIFY TTL` / `REMOVE TTL`) for the classes given; 0 keeps data
 * forever. Existing parts are re-evaluated in the background by ClickHouse (materialize_ttl_after_modify).
 * @example await applyRetention(store, { textDays: 30 }) // drop prompt/output text after 30 days
 */
export async function applyRetention(store: Store, retention: Partial<RetentionDays>): Promise<void> {
  const wanted = resolveRetention(retention, {});
  const target = storeTarget(store);
  for (const dataClass of Object.keys(retention) as DataClass[]) {
    if (retention[dataClass] === undefined) continue;
    const days = wanted[dataClass];
    if (dataClass === "textDays") {
      for (const column of TEXT_COLUMNS) {
        const change = days > 0 ? `TTL ${ttlExpression("started_at", days)}` : "REMOVE TTL";
        await alter(store, "generations", `MODIFY COLUMN ${column} ${change}`, days === 0);
      }
    } else {
      for (const [table, column] of ROW_TTLS[dataClass]) {
        const change = days > 0 ? `MODIFY TTL ${ttlExpression(column, days)}` : "REMOVE TTL";
        await alter(store, table, change, days === 0);
      }
    }
    target.retention = { ...target.retention, [dataClass]: days };
    await execute(
      store,
      `INSERT INTO retention_policy (data_class, days, at) VALUES ({dataClass:String}, {days:UInt32}, now64(6))`,
      { dataClass, days },
    );
  }
}

const PolicyRow = z.object({ data_class: z.string(), days: z.coerce.number().int() });

/** Retention currently recorded as applied, per class (missing when never recorded). */
export async function currentRetention(store: Store): Promise<Partial<RetentionDays>> {
  const rows = await queryRows(
    store,
    "SELECT data_class, argMax(days, at) AS days FROM retention_policy GROUP BY data_class",
    PolicyRow,
  );
  const result: Partial<RetentionDays> = {};
  for (const row of rows) {
    if (row.data_class === "rawDays" || row.data_class === "textDays" || row.data_class === "rollupDays") {
      result[row.data_class] = row.days;
    }
  }
  return result;
}

/**
 * At start: applies the configured retention where it differs from what was last applied, so
 * changing `GENLEDGER_RETENTION_DAYS_*` takes effect on the next start, not only in new tables.
 */
export async function syncRetention(store: Store, wanted: RetentionDays): Promise<void> {
  const current = await currentRetention(store);
  const changes: Partial<RetentionDays> = {};
  for (const dataClass of Object.keys(wanted) as DataClass[]) {
    if (current[dataClass] !== wanted[dataClass]) changes[dataClass] = wanted[dataClass];
  }
  if (Object.keys(changes).length > 0) await applyRetention(store, changes);
}

async function alter(store: Store, table: string, change: string, removing: boolean): Promise<void> {
  try {
    await execute(store, `ALTER TABLE {{local:${table}}}{{on_cluster}} ${change}`);
  } catch (error) {
    // Removing a TTL that is not there is what we want already.
    if (removing && /TTL|BAD_ARGUMENTS/i.test(String((error as Error).message))) return;
    throw error;
  }
}
