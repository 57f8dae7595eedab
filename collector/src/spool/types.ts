import type { Generation } from "@genledger/core";
import type { MetricsRegistry } from "../metrics.ts";

/**
 * A span as stored for the trace view. Same shape as `StoredSpan` of `@genledger/clickhouse`
 * (kept structural here so the spool does not depend on the store package).
 */
export interface SpoolSpan {
  projectId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  startTime: Date;
  endTime: Date;
  statusCode: "unset" | "ok" | "error";
  statusMessage: string;
  attributes: Record<string, string>;
  generationId: string;
}

/** What the ingest side produces per accepted request: records ready for ClickHouse, blobs already moved out. */
export interface IngestBatch {
  projectId: string;
  generations: Generation[];
  spans: SpoolSpan[];
}

/**
 * What the spool keeps per accepted request: the batch's rows already validated and serialized for
 * ClickHouse (`prepareGeneration` / `prepareSpan` of `@genledger/clickhouse`), so the writer only
 * concatenates lines. `spoolBatch` / `unspoolBatch` convert from and to an {@link IngestBatch}.
 */
export interface SpooledBatch {
  projectId: string;
  generations: {
    /** Generation ids, one per line. */
    ids: string[];
    /** Status ranks, one per line: the writer keeps the highest per id and skips stored ones. */
    ranks: number[];
    /** JSONEachRow lines of `generations`. */
    lines: string[];
  };
  /** JSONEachRow lines of `spans`. */
  spans: string[];
}

/** One record read back from a segment. */
export interface SpoolRecord {
  /** When the batch was acknowledged (ms since the epoch): the start of write lag. */
  appendedAt: number;
  batch: SpooledBatch;
}

/** A sealed segment: immutable, waiting to be written to ClickHouse and then removed. */
export interface SegmentInfo {
  /** File name, unique for the life of the spool directory (used in dedup tokens). */
  name: string;
  size: number;
  /** When its first record was appended (ms since the epoch). */
  createdAt: number;
}

/** The records of one segment, with what could not be read. */
export interface SegmentContents {
  records: SpoolRecord[];
  /** Bytes skipped between valid records (damage inside the file). */
  corruptBytes: number;
  /** Invalid bytes at the end (a write torn by a crash; never acknowledged). */
  tornBytes: number;
}

/** Sizes for `/readyz` and `/metrics`. */
export interface SpoolStats {
  /** Bytes on disk in all segments. */
  bytes: number;
  /** Segments on disk, the active one included. */
  segments: number;
  /** Age of the oldest record not yet removed, in ms; 0 when the spool is empty. */
  oldestAgeMs: number;
}

/** Options of `createSpool`. */
export interface SpoolOptions {
  /** Directory of the spool (`GENLEDGER_SPOOL_DIR`, default `<data dir>/spool`). Created if missing. */
  dir: string;
  /** Appends fail with `SpoolFullError` once this many bytes wait (`GENLEDGER_SPOOL_MAX_BYTES`). */
  maxBytes: number;
  /** A segment is sealed once it reaches this size; default 16 MiB. */
  segmentBytes?: number;
  /** A segment is sealed once its first record is this old; default 60 s (the writer seals sooner). */
  segmentMaxAgeMs?: number;
  /** Largest single record; default min(64 MiB, maxBytes). */
  maxRecordBytes?: number;
  /** `Retry-After` of `SpoolFullError`; default 5 s. */
  retryAfterSeconds?: number;
  /** Shared metrics registry of the collector. */
  metrics?: MetricsRegistry;
}

/**
 * A durable, append-only queue of ingest batches on local disk, between the HTTP acknowledgement
 * and ClickHouse. See `createSpool`.
 */
export interface Spool {
  readonly dir: string;
  /**
   * Appends one batch; resolves only once it is fsync'd (concurrent appends share one fsync).
   * Throws `SpoolFullError`, `SpoolRecordTooLargeError` or `SpoolClosedError`; a write or fsync
   * failure rejects and nothing of that batch counts as stored.
   */
  append(batch: SpooledBatch): Promise<void>;
  stats(): SpoolStats;
  /** Sealed segments, oldest first. */
  sealedSegments(): SegmentInfo[];
  /**
   * Seals the active segment if it holds records and its first one is at least `minAgeMs` old
   * (default 0). When it resolves, every append that had resolved before the call is sealed.
   */
  rotate(options?: { minAgeMs?: number }): Promise<void>;
  /** Reads a sealed segment, skipping damaged bytes (counted, never thrown). */
  readSegment(name: string): Promise<SegmentContents>;
  /**
   * Deletes a sealed segment: call only after everything in it is confirmed by ClickHouse.
   * With `keep: true` the file is moved to `<dir>/dead/` instead (a damaged segment, for a person
   * to look at).
   */
  removeSegment(name: string, options?: { keep?: boolean }): Promise<void>;
  /**
   * Keeps a record that ClickHouse rejects for good in `<dir>/dead/` (with the reason), so the
   * writer can move on without losing it.
   */
  quarantine(segment: string, index: number, record: SpoolRecord, reason: string): Promise<void>;
  /** Calls `listener` whenever a segment is sealed; returns an unsubscribe function. */
  onSealed(listener: () => void): () => void;
  /** Waits for appends in flight, seals the active segment and releases the directory. Idempotent. */
  close(): Promise<void>;
}
