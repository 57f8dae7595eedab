import { lineToGeneration, lineToSpan, prepareGeneration, prepareSpan } from "@genledger/clickhouse/prepare";
import type { Generation } from "@genledger/core";
import type { IngestBatch, SpooledBatch, SpoolSpan } from "./types.ts";

/** A record {@link spoolBatch} could not prepare, with the reason. */
export type InvalidRecord = { generation: Generation; error: Error } | { span: SpoolSpan; error: Error };

/**
 * An ingest batch as the spool keeps it: every generation and span validated and serialized for
 * ClickHouse once. `acknowledgedAt` orders rows of one generation that share a status (the later
 * acknowledgement wins). Without `onInvalid` the first invalid record throws, named by its index;
 * with it, invalid records are left out and reported, named by their ID.
 * @throws {InvalidInputError} (of `@genledger/clickhouse`) naming the first invalid record and field.
 */
export function spoolBatch(
  batch: IngestBatch,
  acknowledgedAt: number = Date.now(),
  onInvalid?: (record: InvalidRecord) => void,
): SpooledBatch {
  const spooled: SpooledBatch = {
    projectId: batch.projectId,
    generations: { ids: [], ranks: [], lines: [] },
    spans: [],
  };
  batch.generations.forEach((generation, index) => {
    try {
      const field = onInvalid ? `generation ${generation.id}` : `generations[${index}]`;
      const row = prepareGeneration(generation, acknowledgedAt, field);
      spooled.generations.ids.push(row.id);
      spooled.generations.ranks.push(row.rank);
      spooled.generations.lines.push(row.line);
    } catch (error) {
      if (!onInvalid) throw error;
      onInvalid({ generation, error: error as Error });
    }
  });
  batch.spans.forEach((span, index) => {
    try {
      spooled.spans.push(prepareSpan(span, onInvalid ? `span ${span.spanId}` : `spans[${index}]`));
    } catch (error) {
      if (!onInvalid) throw error;
      onInvalid({ span, error: error as Error });
    }
  });
  return spooled;
}

/** The records a spooled batch holds, decoded (for tools and tests; the writer never needs it). */
export function unspoolBatch(batch: SpooledBatch): IngestBatch {
  return {
    projectId: batch.projectId,
    generations: batch.generations.lines.map(lineToGeneration),
    spans: batch.spans.map((line) => lineToSpan(line) as SpoolSpan),
  };
}

/** True when `value` has the shape of a {@link SpooledBatch} (checked on every record read back). */
export function isSpooledBatch(value: unknown): value is SpooledBatch {
  if (typeof value !== "object" || value === null) return false;
  const batch = value as Partial<SpooledBatch>;
  const generations = batch.generations;
  return (
    typeof batch.projectId === "string" &&
    typeof generations === "object" &&
    generations !== null &&
    Array.isArray(generations.ids) &&
    Array.isArray(generations.ranks) &&
    Array.isArray(generations.lines) &&
    generations.ids.length === generations.lines.length &&
    generations.ranks.length === generations.lines.length &&
    Array.isArray(batch.spans)
  );
}
