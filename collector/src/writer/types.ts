import type { Logger } from "../logger.ts";
import type { MetricsRegistry } from "../metrics.ts";
import type { Spool, SpooledBatch } from "../spool/types.ts";

/**
 * Where the writer puts records: ClickHouse through `@genledger/clickhouse` in production
 * (`clickHouseSink(store)`), a wrapper in tests. The rows arrive as the spool keeps them (prepared
 * JSONEachRow lines). Both calls must be idempotent for a repeated `dedupToken`, and
 * `insertGenerations` must keep the highest-ranked line per id and skip ids already stored at
 * that rank or higher (`insertPreparedGenerations` does).
 */
export interface WriterSink {
  insertGenerations(
    generations: SpooledBatch["generations"],
    options: { dedupToken: string },
  ): Promise<unknown>;
  insertSpans(spans: string[], options: { dedupToken: string }): Promise<unknown>;
}

/** Options of `createWriter`. */
export interface WriterOptions {
  spool: Spool;
  /** Destination of the records. */
  sink: WriterSink;
  /** Most rows (generations + spans) per insert; default 10 000 (`GENLEDGER_WRITER_BATCH_ROWS`). */
  batchRows?: number;
  /**
   * Longest a record waits in the active segment before it is sealed and written; default 1000 ms
   * (`GENLEDGER_WRITER_FLUSH_INTERVAL_MS`). Bigger means fewer, larger inserts.
   */
  flushIntervalMs?: number;
  /** First retry delay after a failed insert; default 200 ms. Doubles per attempt, with jitter. */
  retryInitialMs?: number;
  /** Longest retry delay; default 30 s. */
  retryMaxMs?: number;
  /**
   * True when an insert error may pass on retry (store down, timeout); false when the data
   * itself is refused, which makes the writer isolate and quarantine the offending record.
   * Default: `isRetryableWriteError`.
   */
  isRetryable?: (error: unknown) => boolean;
  metrics?: MetricsRegistry;
  logger?: Logger;
}

/** Counters for `/readyz` and tests. */
export interface WriterStats {
  state: "running" | "retrying" | "stopped";
  /** Records (ingest batches) written and removed from the spool. */
  records: number;
  generations: number;
  spans: number;
  /** Failed insert attempts that were retried. */
  retries: number;
  /** Records moved to the spool's dead/ folder. */
  quarantined: number;
  /** Message of the last failed insert, "" after a success. */
  lastError: string;
  /** When the last insert succeeded (ms since the epoch), 0 if never. */
  lastWriteAt: number;
}

/** The running writer. */
export interface Writer {
  /** Seals what is spooled now and resolves once all of it is in the store. */
  flush(): Promise<void>;
  /**
   * Stops the writer. With `drain: true` it first writes everything spooled (graceful shutdown;
   * stop accepting appends before). `timeoutMs` bounds the drain; what is left stays in the spool
   * for the next start. Resolves `drained: true` when the spool was emptied. Idempotent.
   */
  stop(options?: { drain?: boolean; timeoutMs?: number }): Promise<{ drained: boolean }>;
  stats(): WriterStats;
}
