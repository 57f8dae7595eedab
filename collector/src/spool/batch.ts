import { lineToGeneration, lineToSpan, prepareGeneration, prepareSpan } from "@genledger/clickhouse/prepare";
import type { IngestBatch, SpooledBatch, SpoolSpan } from "./types.ts";

/**
 * An ingest batch as the spool keeps it: every generation and span validated and serialized for
 * ClickHouse once. `acknowledgedAt` orders rows of one generation that share a status (the later
 * acknowledgement wins).
 * @throws {InvalidInputError} (of `@genledger/clickhouse`) naming the first invalid record and field.
 */
export function spoolBatch(batch: IngestBatch, acknowledgedAt: number = Date.now()): SpooledBatch {
  const spooled: SpooledBatch = {
    projectId: batch.projectId,
    generations: { ids: [], ranks: [], lines: [] },
    spans: [],
  };
  batch.generations.forEach((generation, index) => {
    const row = prepareGeneration(generation, acknowledgedAt, `generations[${index}]`);
    spooled.generations.ids.push(row.id);
    spooled.generations.ranks.push(row.rank);
    spooled.generations.lines.push(row.line);
  });
  batch.spans.forEach((span, index) => {
    spooled.spans.push(prepareSpan(span, `spans[${index}]`));
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
