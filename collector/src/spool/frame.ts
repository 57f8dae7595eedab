import { deserialize, serialize } from "node:v8";
import { crc32 } from "node:zlib";
import { isSpooledBatch, spoolBatch } from "./batch.ts";
import type { IngestBatch, SegmentContents, SpoolRecord } from "./types.ts";

/**
 * Spool record framing. Each record is
 *
 * ```
 * offset 0   4 bytes  magic "GLS2"
 * offset 4   4 bytes  payload length, unsigned big-endian
 * offset 8   4 bytes  CRC-32 (zlib polynomial) of the payload, unsigned big-endian
 * offset 12  n bytes  payload: v8.serialize({ t: <acknowledged at, ms since epoch>, b: <SpooledBatch> })
 * ```
 *
 * The payload is the V8 structured-clone encoding: the batch is mostly long strings (the rows'
 * JSON lines), which it copies as they are, where JSON would escape every quote in them again
 * (BENCHMARKS.md, Collector ingest). Records of the first format ("GLS1": a JSON `IngestBatch`),
 * left by an older collector, are still read and prepared on the way in.
 *
 * A record whose header is incomplete, whose length runs past the end of the file or whose
 * checksum does not match is not a record: at the end of a file that is a write torn by a crash
 * (it was never acknowledged, since acknowledgement follows fsync); elsewhere it is damage, and
 * the reader resynchronises at the next valid record.
 */
export const FRAME_MAGIC = Buffer.from("GLS2", "latin1");
/** Magic of the first record format, still read. */
const LEGACY_MAGIC = Buffer.from("GLS1", "latin1");
/** Bytes before the payload. */
export const FRAME_HEADER_BYTES = 12;

/** Encodes one record. */
export function encodeRecord(record: SpoolRecord): Buffer {
  const payload = serialize({ t: record.appendedAt, b: record.batch });
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
  const current = bytes.compare(FRAME_MAGIC, 0, 4, pos, pos + 4) === 0;
  if (!current && bytes.compare(LEGACY_MAGIC, 0, 4, pos, pos + 4) !== 0) return null;
  const length = bytes.readUInt32BE(pos + 4);
  const end = pos + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) return null;
  const payload = bytes.subarray(pos + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32BE(pos + 8)) return null;
  try {
    if (current) {
      const parsed = deserialize(payload) as { t: unknown; b: unknown };
      if (typeof parsed?.t !== "number" || !isSpooledBatch(parsed.b)) return null;
      return { record: { appendedAt: parsed.t, batch: parsed.b }, end };
    }
    const parsed = JSON.parse(payload.toString("utf8")) as { t: number; b: IngestBatch };
    return { record: { appendedAt: parsed.t, batch: spoolBatch(reviveBatch(parsed.b), parsed.t) }, end };
  } catch {
    return null;
  }
}

function nextRecordStart(bytes: Buffer, from: number): number {
  let next = -1;
  for (const magic of [FRAME_MAGIC, LEGACY_MAGIC]) {
    let at = bytes.indexOf(magic, from);
    while (at !== -1 && (next === -1 || at < next)) {
      if (recordAt(bytes, at)) {
        next = at;
        break;
      }
      at = bytes.indexOf(magic, at + 1);
    }
  }
  return next;
}

// Legacy records: JSON turned Dates into ISO strings; the domain types want Dates back.
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
