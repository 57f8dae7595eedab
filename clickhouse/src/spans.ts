import type { InsertOptions } from "./generations.ts";
import { prepareSpan, SpanRow, type StoredSpan, spanRowToStored } from "./prepare.ts";
import { insertLines, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";

export { lineToSpan, prepareSpan, StoredSpan } from "./prepare.ts";

/**
 * Writes spans. Re-delivered copies are harmless: reads keep one row per span id.
 * @returns how many rows were written.
 */
export async function insertSpans(
  store: Store,
  spans: readonly StoredSpan[],
  options: InsertOptions = {},
): Promise<{ inserted: number }> {
  return await insertPreparedSpans(
    store,
    spans.map((span, index) => prepareSpan(span, `spans[${index}]`)),
    options,
  );
}

/** {@link insertSpans} for lines prepared by {@link prepareSpan}. */
export async function insertPreparedSpans(
  store: Store,
  lines: readonly string[],
  options: InsertOptions = {},
): Promise<{ inserted: number }> {
  const settings: Record<string, string | number> = {};
  if (options.dedupToken) settings.insert_deduplication_token = `spans:${options.dedupToken}`;
  if (store.cluster !== null) settings.distributed_foreground_insert = 1;
  await insertLines(store, "spans", lines, settings);
  return { inserted: lines.length };
}

/** Every span of a trace, by start time (one row per span id). */
export async function getTraceSpans(
  store: Store,
  traceId: string,
  options: { projectId?: string } = {},
): Promise<StoredSpan[]> {
  if (!traceId) return [];
  const rows = await queryRows(
    store,
    `SELECT project_id, trace_id, span_id, parent_span_id, name, kind, toString(start_time) AS start_time,
            toString(end_time) AS end_time, status_code, status_message, attributes, generation_id
     FROM spans
     WHERE trace_id = {traceId:String} AND ({projectId:String} = '' OR project_id = {projectId:String})
     ORDER BY start_time, span_id
     LIMIT 1 BY project_id, span_id`,
    SpanRow,
    { traceId, projectId: options.projectId ?? "" },
  );
  return rows.map(spanRowToStored);
}
