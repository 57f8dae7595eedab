import { METRIC } from "../metrics.ts";
import type { SegmentContents, SegmentInfo, SpooledBatch, SpoolRecord } from "../spool/types.ts";
import { chunkRecords, dedupToken, type RecordRange } from "./chunk.ts";
import { backoffDelay, isRetryableWriteError } from "./retry.ts";
import type { Writer, WriterOptions, WriterStats } from "./types.ts";

/** Metric names of the writer, beside the shared ones in `METRIC` (writeLatency, lag, dropped). */
export const WRITER_METRIC = {
  /** counter {table}: rows inserted (`generations`, `spans`). */
  rowsWritten: "genledger_collector_rows_written_total",
  /** counter: failed insert attempts that were retried. */
  retries: "genledger_collector_write_retries_total",
  /** histogram: acknowledged -> written to the store, per record (seconds). */
  writeLag: "genledger_collector_write_lag_seconds",
} as const;

const LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/**
 * Starts the writer: it replays the spool's sealed segments (left by an earlier run too), then
 * keeps sealing the active segment every `flushIntervalMs` and writing each sealed segment to the
 * store in batches of at most `batchRows` rows. A failed insert is retried with exponential
 * backoff and jitter, for as long as it takes; a segment is removed only after every batch in it
 * was confirmed. Each batch carries a dedup token derived from (segment, record range), so a
 * replay after a crash between insert and removal inserts nothing twice.
 *
 * A record that the store refuses for good (see `isRetryableWriteError`) is isolated and moved
 * to the spool's `dead/` folder, counted in `genledger_collector_dropped_total{reason="rejected"}`.
 *
 * @example
 * ```ts
 * const writer = createWriter({ spool, sink: clickHouseSink(store) });
 * // on SIGTERM, after the HTTP server stopped accepting:
 * await writer.stop({ drain: true, timeoutMs: 30_000 });
 * ```
 */
export function createWriter(options: WriterOptions): Writer {
  const { spool, sink, logger } = options;
  const batchRows = options.batchRows ?? 10_000;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const retryInitialMs = options.retryInitialMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const isRetryable = options.isRetryable ?? isRetryableWriteError;
  const pollMs = Math.max(10, Math.min(250, flushIntervalMs / 4));
  if (!(batchRows >= 1)) throw new TypeError(`writer batchRows must be at least 1, got ${batchRows}`);

  const metrics = options.metrics;
  const writeLatency = metrics?.histogram(METRIC.writeLatency, "ClickHouse batch write latency, seconds");
  const dropped = metrics?.counter(METRIC.dropped, "Records dropped or quarantined by the durability side");
  const rowsWritten = metrics?.counter(WRITER_METRIC.rowsWritten, "Rows written to ClickHouse");
  const retries = metrics?.counter(WRITER_METRIC.retries, "Failed ClickHouse inserts that were retried");
  const writeLag = metrics?.histogram(
    WRITER_METRIC.writeLag,
    "Acknowledged -> written to ClickHouse, seconds",
    LAG_BUCKETS,
  );
  metrics?.gauge(
    METRIC.lag,
    "Age of the oldest spooled batch not yet in ClickHouse, seconds",
    () => spool.stats().oldestAgeMs / 1000,
  );

  const stats: WriterStats = {
    state: "running",
    records: 0,
    generations: 0,
    spans: 0,
    retries: 0,
    quarantined: 0,
    lastError: "",
    lastWriteAt: 0,
  };
  let stopping = false;
  let draining = false;
  let drainDeadline = Number.POSITIVE_INFINITY;
  let stopped: Promise<{ drained: boolean }> | null = null;
  let wakeSleeper: (() => void) | null = null;
  let flushWaiters: Array<{ names: Set<string>; resolve: () => void; reject: (error: unknown) => void }> = [];

  const wake = () => {
    const resolve = wakeSleeper;
    wakeSleeper = null;
    resolve?.();
  };
  const unsubscribe = spool.onSealed(wake);
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wakeSleeper = null;
        resolve();
      }, ms);
      wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const aborting = () => stopping && (!draining || Date.now() >= drainDeadline);

  const insert = async (segment: string, records: SpoolRecord[], range: RecordRange) => {
    const generations: SpooledBatch["generations"] = { ids: [], ranks: [], lines: [] };
    const spans: string[] = [];
    for (let i = range.start; i < range.end; i++) {
      const batch = records[i]!.batch;
      // Loops, not spread: a spread of a 10,000-element array would put every element on the stack.
      for (let k = 0; k < batch.generations.lines.length; k++) {
        generations.ids.push(batch.generations.ids[k]!);
        generations.ranks.push(batch.generations.ranks[k]!);
        generations.lines.push(batch.generations.lines[k]!);
      }
      for (const line of batch.spans) spans.push(line);
    }
    const token = dedupToken(segment, range);
    const started = performance.now();
    if (generations.lines.length > 0) await sink.insertGenerations(generations, { dedupToken: token });
    if (spans.length > 0) await sink.insertSpans(spans, { dedupToken: token });
    const now = Date.now();
    writeLatency?.observe((performance.now() - started) / 1000);
    rowsWritten?.inc({ table: "generations" }, generations.lines.length);
    rowsWritten?.inc({ table: "spans" }, spans.length);
    for (let i = range.start; i < range.end; i++) writeLag?.observe((now - records[i]!.appendedAt) / 1000);
    stats.records += range.end - range.start;
    stats.generations += generations.lines.length;
    stats.spans += spans.length;
    stats.lastWriteAt = now;
    stats.lastError = "";
    stats.state = "running";
  };

  // Writes one range until it is confirmed; false when interrupted by stop(). With `isolateRefused`
  // false, a refusal for good is returned as "refused" instead of being isolated here.
  async function writeRange(
    segment: string,
    records: SpoolRecord[],
    range: RecordRange,
    isolateRefused = true,
  ): Promise<boolean | "refused"> {
    for (let attempt = 1; ; attempt++) {
      if (aborting()) return false;
      try {
        await insert(segment, records, range);
        return true;
      } catch (insertError) {
        let error = insertError;
        if (!isRetryable(error)) {
          if (!isolateRefused) return "refused";
          if (range.end - range.start > 1) return await isolate(segment, records, range);
          try {
            await spool.quarantine(segment, range.start, records[range.start]!, describe(error));
            stats.quarantined += 1;
            dropped?.inc({ reason: "rejected" });
            logger?.error("record refused by the store, moved to the spool's dead/ folder", {
              segment,
              index: range.start,
              error,
            });
            return true;
          } catch (quarantineError) {
            error = quarantineError;
          }
        }
        stats.retries += 1;
        stats.state = "retrying";
        stats.lastError = describe(error);
        retries?.inc();
        if (attempt === 1 || attempt % 10 === 0) {
          logger?.warn("write to the store failed; retrying", { segment, attempt, error });
        }
        await sleep(backoffDelay(attempt, retryInitialMs, retryMaxMs));
      }
    }
  }

  // A batch with a record the store refuses: write its records one by one to find it.
  const isolate = async (segment: string, records: SpoolRecord[], range: RecordRange): Promise<boolean> => {
    for (let i = range.start; i < range.end; i++) {
      if (!(await writeRange(segment, records, { start: i, end: i + 1 }))) return false;
    }
    return true;
  };

  // Segments read ahead by writeBacklog that did not fit in its insert, by name.
  const readAhead = new Map<string, SegmentContents>();
  const read = async (name: string): Promise<SegmentContents> => {
    const cached = readAhead.get(name);
    readAhead.delete(name);
    return cached ?? (await spool.readSegment(name));
  };

  const report = (name: string, contents: SegmentContents) => {
    if (contents.corruptBytes > 0) {
      dropped?.inc({ reason: "corrupt" });
      logger?.error(
        "spool segment has damaged bytes; the records around them are written, the file kept in dead/",
        { segment: name, corruptBytes: contents.corruptBytes },
      );
    }
    if (contents.tornBytes > 0)
      logger?.info("spool segment ends in a torn write (crash)", {
        segment: name,
        tornBytes: contents.tornBytes,
      });
  };

  const writeSegment = async (segment: SegmentInfo, contents: SegmentContents): Promise<boolean> => {
    const { records, corruptBytes } = contents;
    report(segment.name, contents);
    for (const range of chunkRecords(records, batchRows)) {
      if (!(await writeRange(segment.name, records, range))) return false;
    }
    // A segment with damage inside (not just a torn tail) is kept in dead/ for a person to inspect.
    await spool.removeSegment(segment.name, { keep: corruptBytes > 0 });
    settleFlushWaiters();
    return true;
  };

  /**
   * Writes the oldest sealed segments. When the writer is behind (several small segments wait),
   * consecutive segments share one insert of up to `batchRows` rows: each insert has a fixed cost
   * (a part per table and view, later merges), so a backlog drains with fewer, larger inserts. The
   * group's token names its first and last segment; after a crash the group may form differently
   * and get another token, and then the stored-rank check keeps the rollups exact (final records
   * already stored are skipped) while re-inserted pending rows and spans are read as one.
   */
  const writeBacklog = async (segments: SegmentInfo[]): Promise<boolean> => {
    const group: Array<{ segment: SegmentInfo; contents: SegmentContents }> = [];
    let rows = 0;
    for (const segment of segments) {
      const contents = await read(segment.name);
      const segmentRows = contents.records.reduce(
        (sum, record) => sum + record.batch.generations.lines.length + record.batch.spans.length,
        0,
      );
      if (group.length > 0 && rows + segmentRows > batchRows) {
        readAhead.set(segment.name, contents);
        break;
      }
      group.push({ segment, contents });
      rows += segmentRows;
      if (rows >= batchRows) break;
    }
    if (group.length === 1) return await writeSegment(group[0]!.segment, group[0]!.contents);
    const records = group.flatMap((item) => item.contents.records);
    const first = group[0]!.segment.name;
    const last = group.at(-1)!.segment.name;
    const ok = await writeRange(`${first}+${last}`, records, { start: 0, end: records.length }, false);
    if (ok === "refused") {
      // A record the store refuses for good: write segment by segment, which isolates it.
      for (const item of group) if (!(await writeSegment(item.segment, item.contents))) return false;
      return true;
    }
    if (!ok) return false;
    for (const item of group) {
      report(item.segment.name, item.contents);
      await spool.removeSegment(item.segment.name, { keep: item.contents.corruptBytes > 0 });
    }
    settleFlushWaiters();
    return true;
  };

  const settleFlushWaiters = () => {
    const remaining = new Set(spool.sealedSegments().map((s) => s.name));
    flushWaiters = flushWaiters.filter((waiter) => {
      for (const name of waiter.names) if (remaining.has(name)) return true;
      waiter.resolve();
      return false;
    });
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (!aborting()) {
      try {
        const segments = spool.sealedSegments();
        if (segments.length === 0) {
          if (draining) {
            await spool.rotate();
            if (spool.sealedSegments().length === 0 && spool.stats().segments === 0) return;
            continue;
          }
          await sleep(pollMs);
          await spool.rotate({ minAgeMs: flushIntervalMs });
          continue;
        }
        if (!(await writeBacklog(segments))) return;
        failures = 0;
      } catch (error) {
        // Reading or removing a segment failed (disk trouble): keep the loop alive, back off.
        failures += 1;
        stats.lastError = describe(error);
        logger?.error("spool writer loop failed; retrying", { error, failures });
        await sleep(backoffDelay(failures, retryInitialMs, retryMaxMs));
      }
    }
  };

  const loop = run();

  return {
    async flush() {
      if (stopping) throw new Error("writer is stopped");
      await spool.rotate();
      const names = new Set(spool.sealedSegments().map((s) => s.name));
      if (names.size === 0) return;
      await new Promise<void>((resolve, reject) => {
        flushWaiters.push({ names, resolve, reject });
        settleFlushWaiters();
        wake();
      });
    },
    stop(stopOptions = {}) {
      stopped ??= (async () => {
        draining = stopOptions.drain ?? false;
        stopping = true;
        let deadlineTimer: NodeJS.Timeout | undefined;
        if (draining && stopOptions.timeoutMs !== undefined) {
          drainDeadline = Date.now() + stopOptions.timeoutMs;
          deadlineTimer = setTimeout(wake, stopOptions.timeoutMs);
        }
        wake();
        await loop;
        clearTimeout(deadlineTimer);
        unsubscribe();
        stats.state = "stopped";
        for (const waiter of flushWaiters.splice(0))
          waiter.reject(new Error("writer stopped before the flush completed"));
        return { drained: spool.stats().segments === 0 };
      })();
      return stopped;
    },
    stats() {
      return { ...stats };
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
