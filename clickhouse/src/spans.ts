import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import type { InsertOptions } from "./generations.ts";
import { insertLines, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { fromChTime, toChTime } from "./time.ts";

/** A span of a trace that produced a generation, as stored for the trace view. */
export const StoredSpan = z.object({
  projectId: z.string().min(1),
  traceId: z.string().min(1),
  spanId: z.string().min(1),
  /** "" for a root span. */
  parentSpanId: z.string(),
  name: z.string(),
  kind: z.string(),
  startTime: z.date(),
  endTime: z.date(),
  statusCode: z.enum(["unset", "ok", "error"]),
  statusMessage: z.string(),
  attributes: z.record(z.string(), z.string()),
  /** The generation this span recorded, "" if none. */
  generationId: z.string(),
});
/** See {@link StoredSpan}. */
export type StoredSpan = z.infer<typeof StoredSpan>;

const SpanRow = z.object({
  project_id: z.string(),
  trace_id: z.string(),
  span_id: z.string(),
  parent_span_id: z.string(),
  name: z.string(),
  kind: z.string(),
  start_time: z.string(),
  end_time: z.string(),
  status_code: z.enum(["unset", "ok", "error"]),
  status_message: z.string(),
  attributes: z.record(z.string(), z.string()),
  generation_id: z.string(),
});

/**
 * Validates and serializes one span as a JSONEachRow line of `spans` (see {@link insertPreparedSpans}).
 * @throws {InvalidInputError} naming the invalid field (`field` prefixed to the path).
 */
export function prepareSpan(input: unknown, field = "span"): string {
  const parsed = StoredSpan.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(`${field}.${issue?.path.join(".") ?? ""}`, issue?.message ?? "invalid");
  }
  const s = parsed.data;
  return JSON.stringify({
    project_id: s.projectId,
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    start_time: toChTime(s.startTime),
    end_time: toChTime(s.endTime),
    status_code: s.statusCode,
    status_message: s.statusMessage,
    attributes: s.attributes,
    generation_id: s.generationId,
  });
}

/** The span a line of {@link prepareSpan} holds (for tools and tests that read the spool). */
export function lineToSpan(line: string): StoredSpan {
  const row = SpanRow.parse(JSON.parse(line));
  return {
    projectId: row.project_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    startTime: fromChTime(row.start_time),
    endTime: fromChTime(row.end_time),
    statusCode: row.status_code,
    statusMessage: row.status_message,
    attributes: row.attributes,
    generationId: row.generation_id,
  };
}

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
  return rows.map((row) => ({
    projectId: row.project_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    startTime: fromChTime(row.start_time),
    endTime: fromChTime(row.end_time),
    statusCode: row.status_code,
    statusMessage: row.status_message,
    attributes: row.attributes,
    generationId: row.generation_id,
  }));
}
