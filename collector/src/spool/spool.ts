import { type FileHandle, mkdir, open, readFile, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { METRIC } from "../metrics.ts";
import { SpoolClosedError, SpoolFullError, SpoolRecordTooLargeError } from "./errors.ts";
import { decodeRecords, encodeRecord } from "./frame.ts";
import { lockDir } from "./lock.ts";
import { SPOOL_METRIC } from "./metric-names.ts";
import { deleteSegmentFile, scanSegments, segmentName, syncDir, writeDeadRecord } from "./segments.ts";
import type { SegmentInfo, Spool, SpooledBatch, SpoolOptions } from "./types.ts";

interface Pending {
  frame: Buffer;
  enqueuedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Active {
  name: string;
  handle: FileHandle;
  /** Bytes written and fsync'd. */
  size: number;
  createdAt: number;
}

/**
 * Opens (or creates) the spool in `options.dir`. Segments left by an earlier run, including the
 * one that was active when it crashed, become sealed segments to replay; new records go to a new
 * segment. One process per directory (`<dir>/LOCK`).
 *
 * Guarantee: once `append` resolves, the batch is on disk (data fsync'd, and the segment's
 * directory entry fsync'd when the segment was created) and will be returned by `readSegment`
 * after any crash, until the writer removes its segment.
 *
 * @example
 * ```ts
 * const spool = await createSpool({ dir: "/var/lib/genledger/spool", maxBytes: 1 << 30 });
 * await spool.append({ projectId: "default", generations, spans }); // then answer 200
 * ```
 */
export async function createSpool(options: SpoolOptions): Promise<Spool> {
  const dir = resolve(options.dir);
  if (!(options.maxBytes > 0))
    throw new TypeError(`spool maxBytes must be a positive number, got ${options.maxBytes}`);
  const segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  const segmentMaxAgeMs = options.segmentMaxAgeMs ?? 60_000;
  const maxRecordBytes = options.maxRecordBytes ?? Math.min(64 * 1024 * 1024, options.maxBytes);
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  await mkdir(dir, { recursive: true });
  const release = await lockDir(dir);
  const scanned = await scanSegments(dir);
  const sealed = new Map<string, SegmentInfo>(scanned.segments.map((segment) => [segment.name, segment]));
  let sealedBytes = scanned.segments.reduce((sum, segment) => sum + segment.size, 0);
  let nextSequence = scanned.nextSequence;
  await syncDir(dir);

  const metrics = options.metrics;
  const appendLatency = metrics?.histogram(
    SPOOL_METRIC.appendLatency,
    "Spool append latency (until fsync'd), seconds",
  );
  const fsyncs = metrics?.counter(SPOOL_METRIC.fsyncs, "Spool data fsyncs");
  const appends = metrics?.counter(SPOOL_METRIC.appends, "Batches appended to the spool");
  const fullCount = metrics?.counter(SPOOL_METRIC.full, "Appends refused because the spool was full");

  let active: Active | null = null;
  const queue: Pending[] = [];
  let queuedBytes = 0;
  let flushing = false;
  let rotateWanted = false;
  let rotateWaiters: Array<() => void> = [];
  let idleWaiters: Array<() => void> = [];
  let closed = false;
  let closing: Promise<void> | null = null;
  const listeners = new Set<() => void>();

  const diskBytes = () => sealedBytes + (active?.size ?? 0);

  const openSegment = async (): Promise<Active> => {
    const createdAt = Date.now();
    const name = segmentName(nextSequence++, createdAt);
    const handle = await open(join(dir, name), "wx", 0o644);
    try {
      await syncDir(dir);
    } catch (error) {
      await handle.close().catch(() => {});
      await unlink(join(dir, name)).catch(() => {});
      throw error;
    }
    return { name, handle, size: 0, createdAt };
  };

  const seal = async () => {
    const current = active;
    active = null;
    if (!current) return;
    // Listed as sealed in the same tick it stops being active: a rotate() or sealedSegments()
    // call while the handle closes must not miss it.
    if (current.size > 0) {
      sealed.set(current.name, { name: current.name, size: current.size, createdAt: current.createdAt });
      sealedBytes += current.size;
    }
    await current.handle.close().catch(() => {});
    if (current.size === 0) {
      await unlink(join(dir, current.name)).catch(() => {});
      return;
    }
    for (const listener of listeners) {
      try {
        listener();
      } catch {
        // A listener's failure must not stop the flush loop that acknowledges appends.
      }
    }
  };

  const writeGroup = async (group: Pending[], segment: Active) => {
    const buffer = group.length === 1 ? group[0]!.frame : Buffer.concat(group.map((p) => p.frame));
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await segment.handle.write(
        buffer,
        written,
        buffer.length - written,
        segment.size + written,
      );
      written += bytesWritten;
    }
    await segment.handle.datasync();
    fsyncs?.inc();
    segment.size += buffer.length;
  };

  const flushLoop = async () => {
    flushing = true;
    try {
      while (queue.length > 0 || rotateWanted) {
        if (rotateWanted) {
          rotateWanted = false;
          await seal();
          const waiters = rotateWaiters;
          rotateWaiters = [];
          for (const wake of waiters) wake();
          continue;
        }
        const first = queue[0]!;
        if (active && active.size > 0) {
          const tooBig = active.size + first.frame.length > segmentBytes;
          const tooOld = Date.now() - active.createdAt >= segmentMaxAgeMs;
          if (tooBig || tooOld) await seal();
        }
        let segment: Active;
        try {
          active ??= await openSegment();
          segment = active;
        } catch (error) {
          const failed = queue.splice(0);
          queuedBytes = 0;
          failAll(failed, error);
          continue;
        }
        // Group commit: everything queued while the previous fsync ran shares this write and fsync.
        // Yielding once to the event loop first lets requests that already arrived (I/O callbacks)
        // and callers just woken by the previous group join this one instead of waiting a round.
        await new Promise<void>((resume) => setImmediate(resume));
        let take = 0;
        let bytes = 0;
        while (take < queue.length) {
          const next = queue[take]!.frame.length;
          if (take > 0 && segment.size + bytes + next > segmentBytes) break;
          bytes += next;
          take++;
        }
        const group = queue.splice(0, take);
        queuedBytes -= bytes;
        try {
          await writeGroup(group, segment);
        } catch (error) {
          failAll(group, error);
          // Whatever part of the group reached the file was never acknowledged: cut it off, and in
          // any case never append behind it (after a failed fsync the page cache cannot be trusted).
          await segment.handle.truncate(segment.size).catch(() => {});
          await seal();
          continue;
        }
        const now = Date.now();
        for (const pending of group) {
          appendLatency?.observe((now - pending.enqueuedAt) / 1000);
          pending.resolve();
        }
        appends?.inc(undefined, group.length);
      }
    } finally {
      flushing = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  };

  const failAll = (group: Pending[], error: unknown) => {
    for (const pending of group) pending.reject(error);
  };

  const kick = () => {
    if (!flushing) void flushLoop();
  };

  const ageTimer = setInterval(
    () => {
      if (active && active.size > 0 && Date.now() - active.createdAt >= segmentMaxAgeMs) {
        rotateWanted = true;
        kick();
      }
    },
    Math.max(50, Math.min(segmentMaxAgeMs / 2, 1000)),
  );
  ageTimer.unref();

  if (metrics) {
    metrics.gauge(METRIC.spoolBytes, "Bytes waiting in the spool", () => diskBytes());
    metrics.gauge(SPOOL_METRIC.segments, "Spool segments on disk", () => spool.stats().segments);
  }

  const spool: Spool = {
    dir,
    append(batch: SpooledBatch) {
      if (closed) return Promise.reject(new SpoolClosedError());
      const enqueuedAt = Date.now();
      let frame: Buffer;
      try {
        frame = encodeRecord({ appendedAt: enqueuedAt, batch });
      } catch (error) {
        return Promise.reject(error);
      }
      if (frame.length > maxRecordBytes) {
        return Promise.reject(new SpoolRecordTooLargeError(frame.length, maxRecordBytes));
      }
      const waiting = diskBytes() + queuedBytes;
      if (waiting >= options.maxBytes) {
        fullCount?.inc();
        return Promise.reject(new SpoolFullError(waiting, options.maxBytes, retryAfterSeconds));
      }
      return new Promise<void>((resolvePromise, rejectPromise) => {
        queue.push({ frame, enqueuedAt, resolve: resolvePromise, reject: rejectPromise });
        queuedBytes += frame.length;
        kick();
      });
    },
    stats() {
      let oldest = Number.POSITIVE_INFINITY;
      for (const segment of sealed.values()) oldest = Math.min(oldest, segment.createdAt);
      if (active && active.size > 0) oldest = Math.min(oldest, active.createdAt);
      const segments = sealed.size + (active && active.size > 0 ? 1 : 0);
      return {
        bytes: diskBytes(),
        segments,
        oldestAgeMs: Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0,
      };
    },
    sealedSegments() {
      return [...sealed.values()];
    },
    rotate(rotateOptions = {}) {
      const minAgeMs = rotateOptions.minAgeMs ?? 0;
      const hasData = (active !== null && active.size > 0) || queue.length > 0;
      if (!hasData) return Promise.resolve();
      if (active && Date.now() - active.createdAt < minAgeMs) return Promise.resolve();
      return new Promise<void>((wake) => {
        rotateWaiters.push(wake);
        rotateWanted = true;
        kick();
      });
    },
    async readSegment(name) {
      if (!sealed.has(name)) throw new Error(`spool segment ${name} is not a sealed segment of ${dir}`);
      return decodeRecords(await readFile(join(dir, name)));
    },
    async removeSegment(name, removeOptions = {}) {
      const segment = sealed.get(name);
      if (!segment) throw new Error(`spool segment ${name} is not a sealed segment of ${dir}`);
      await deleteSegmentFile(dir, name, removeOptions.keep ?? false);
      sealed.delete(name);
      sealedBytes -= segment.size;
    },
    async quarantine(segment, index, record, reason) {
      await writeDeadRecord(dir, segment, index, record, reason);
    },
    onSealed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(ageTimer);
        rotateWanted = true;
        kick();
        while (flushing) await new Promise<void>((wake) => idleWaiters.push(wake));
        await seal();
        await release();
      })();
      return closing;
    },
  };
  return spool;
}
