import type { SpoolRecord } from "../spool/types.ts";

/** A range of records of one segment, `[start, end)`. */
export interface RecordRange {
  start: number;
  end: number;
}

/**
 * Cuts a segment's records into insert batches of at most `batchRows` rows (generations plus
 * spans; a single larger record gets a batch of its own). The cut depends only on the segment's
 * content, so a replay after a crash produces the same ranges, hence the same dedup tokens.
 */
export function chunkRecords(records: readonly SpoolRecord[], batchRows: number): RecordRange[] {
  const ranges: RecordRange[] = [];
  let start = 0;
  let rows = 0;
  for (let i = 0; i < records.length; i++) {
    const batch = records[i]!.batch;
    const recordRows = batch.generations.lines.length + batch.spans.length;
    if (i > start && rows + recordRows > batchRows) {
      ranges.push({ start, end: i });
      start = i;
      rows = 0;
    }
    rows += recordRows;
  }
  if (start < records.length) ranges.push({ start, end: records.length });
  return ranges;
}

/** The dedup token of a range: unique per segment (segment names never repeat) and range. */
export function dedupToken(segment: string, range: RecordRange): string {
  return `spool:${segment}:${range.start}-${range.end}`;
}
