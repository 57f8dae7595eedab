import { crc32 } from "node:zlib";
import type { IngestBatch, SegmentContents, SpoolRecord } from "./types.ts";

/**
 * Spool record framing. Each record is
 *
 * ```
 * offset 0   4 bytes  magic "GLS1"
 * offset 4   4 bytes  payload length, unsigned big-endian
 * offset 8   4 bytes  CRC-32 (zlib polynomial) of the payload, unsigned big-endian
 * offset 12  n bytes  payload: UTF-8 JSON {"t": <acknowledged at, ms since epoch>, "b": <IngestBatch>}
 * ```
 *
 * A record whose header is incomplete, whose length runs past the end of the file or whose
 * checksum does not match is not a record: at the end of a file that is a write torn by a crash
 * (it was never acknowledged, since acknowledgement follows fsync); elsewhere it is damage, and
 * the reader resynchronises at the next valid record.
 */
export const FRAME_MAGIC = Buffer.from("GLS1", "latin1");
/** Bytes before the payload. */
export const FRAME_HEADER_BYTES = 12;

/** Encodes one record. */
export function encodeRecord(record: SpoolRecord): Buffer {
  const payload = Buffer.from(JSON.stringify({ t: record.appendedAt, b: record.batch }), "utf8");
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  FRAME_MAGIC.copy(frame, 0);
  frame.writeUInt32BE(payload.length, 4);
  frame.writeUInt32BE(crc32(payload), 8);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** Decodes every valid record of a segment file's bytes. Never throws on bad bytes. */
export function decodeRecords(bytes: Buffer): SegmentContents {
  const records: SpoolRecord[] = [];
  let corruptBytes = 0;
  let tornBytes = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const record = recordAt(bytes, pos);
    if (record) {
      records.push(record.record);
      pos = record.end;
      continue;
    }
    const next = nextRecordStart(bytes, pos + 1);
    if (next === -1) {
      tornBytes = bytes.length - pos;
      break;
    }
    corruptBytes += next - pos;
    pos = next;
  }
  return { records, corruptBytes, tornBytes };
}

function recordAt(bytes: Buffer, pos: number): { record: SpoolRecord; end: number } | null {
  if (bytes.length - pos < FRAME_HEADER_BYTES) return null;
  if (bytes.compare(FRAME_MAGIC, 0, 4, pos, pos + 4) !== 0) return null;
  const length = bytes.readUInt32BE(pos + 4);
  const end = pos + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) return null;
  const payload = bytes.subarray(pos + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32BE(pos + 8)) return null;
  try {
    const parsed = JSON.parse(payload.toString("utf8")) as { t: number; b: IngestBatch };
    return { record: { appendedAt: parsed.t, batch: reviveBatch(parsed.b) }, end };
  } catch {
    return null;
  }
}

function nextRecordStart(bytes: Buffer, from: number): number {
  let at = bytes.indexOf(FRAME_MAGIC, from);
  while (at !== -1) {
    if (recordAt(bytes, at)) return at;
    at = bytes.indexOf(FRAME_MAGIC, at + 1);
  }
  return -1;
}

// JSON turns Dates into ISO strings; the domain types want Dates back.
function reviveBatch(batch: IngestBatch): IngestBatch {
  for (const generation of batch.generations) {
    generation.startedAt = new Date(generation.startedAt);
    if (generation.finishedAt !== null && generation.finishedAt !== undefined) {
      generation.finishedAt = new Date(generation.finishedAt);
    }
  }
  for (const span of batch.spans) {
    span.startTime = new Date(span.startTime);
    span.endTime = new Date(span.endTime);
  }
  return batch;
}
