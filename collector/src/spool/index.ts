export { isSpooledBatch, spoolBatch, unspoolBatch } from "./batch.ts";
export { SpoolClosedError, SpoolFullError, SpoolLockedError, SpoolRecordTooLargeError } from "./errors.ts";
export { decodeRecords, encodeRecord, FRAME_HEADER_BYTES, FRAME_MAGIC } from "./frame.ts";
export { SPOOL_METRIC } from "./metric-names.ts";
export { createSpool } from "./spool.ts";
export type {
  IngestBatch,
  SegmentContents,
  SegmentInfo,
  Spool,
  SpooledBatch,
  SpoolOptions,
  SpoolRecord,
  SpoolSpan,
  SpoolStats,
} from "./types.ts";
