// Validation and serialization of rows for insert, without the store: the collector prepares rows
// when it accepts a request (this module loads neither chDB nor the HTTP client).
import { Generation, statusRank } from "@genledger/core";
import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { generationToLine, rowVersion } from "./generation-row.ts";
import { fromChTime, toChTime } from "./time.ts";

export { lineToGeneration } from "./generation-row.ts";

/**
 * Generation rows validated, converted and serialized once, ready for {@link insertPreparedGenerations}:
 * the collector prepares them when it accepts a request and keeps them in its spool as they are,
 * so nothing is parsed, validated or serialized again on the way to ClickHouse.
 */
export interface PreparedGenerations {
  /** Generation ids, one per line. */
  ids: string[];
  /** Status ranks (`statusRank`), one per line. */
  ranks: number[];
  /** JSONEachRow lines of `generations` (no trailing newline). */
  lines: string[];
}

/** One prepared generation row; see {@link PreparedGenerations}. */
export interface PreparedGeneration {
  id: string;
  rank: number;
  line: string;
}

/**
 * Validates and serializes one generation. `writtenAt` orders rows of the same id and rank (the
 * later wins); the collector passes the time it acknowledged the record.
 * @throws {InvalidInputError} naming the invalid field (`field` prefixed to the path).
 */
export function prepareGeneration(
  input: unknown,
  writtenAt: number = Date.now(),
  field = "generation",
): PreparedGeneration {
  const g = parseInput(Generation, input, field);
  return { id: g.id, rank: statusRank(g.status), line: generationToLine(g, rowVersion(g.status, writtenAt)) };
}

/**
 * Validates and serializes a batch (see {@link prepareGeneration}).
 * @throws {InvalidInputError} naming the first invalid record and field, e.g. `generations[3].startedAt`.
 */
export function prepareGenerations(
  generations: readonly unknown[],
  writtenAt: number = Date.now(),
): PreparedGenerations {
  const prepared: PreparedGenerations = { ids: [], ranks: [], lines: [] };
  generations.forEach((input, index) => {
    const row = prepareGeneration(input, writtenAt, `generations[${index}]`);
    prepared.ids.push(row.id);
    prepared.ranks.push(row.rank);
    prepared.lines.push(row.line);
  });
  return prepared;
}

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

/** A `spans` row as stored (and as a spool line holds it). */
export const SpanRow = z.object({
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
  const s = parseInput(StoredSpan, input, field);
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
  return spanRowToStored(SpanRow.parse(JSON.parse(line)));
}

/** A `spans` row (a spool line, or read back from ClickHouse) as a {@link StoredSpan}. */
export function spanRowToStored(row: z.infer<typeof SpanRow>): StoredSpan {
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

/** `input` validated by `schema`. @throws {InvalidInputError} naming `field` and the path of the first issue. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown, field: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(`${field}.${issue?.path.join(".") ?? ""}`, issue?.message ?? "invalid");
}
