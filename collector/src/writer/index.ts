export type { RecordRange } from "./chunk.ts";
export { chunkRecords, dedupToken } from "./chunk.ts";
export { backoffDelay, isRetryableWriteError } from "./retry.ts";
export type { Writer, WriterOptions, WriterSink, WriterStats } from "./types.ts";
export { createWriter, WRITER_METRIC } from "./writer.ts";
