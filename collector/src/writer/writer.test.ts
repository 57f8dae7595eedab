import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMetricsRegistry, METRIC } from "../metrics.ts";
import { createSpool } from "../spool/spool.ts";
import type { Spool, SpooledBatch, SpoolRecord } from "../spool/types.ts";
import { chunkRecords } from "./chunk.ts";
import { backoffDelay, isRetryableWriteError } from "./retry.ts";
import type { WriterSink } from "./types.ts";
import { createWriter, WRITER_METRIC } from "./writer.ts";

let dir: string;
let spool: Spool;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "genledger-writer-"));
  spool = await createSpool({ dir, maxBytes: 64 * 1024 * 1024 });
});
afterEach(async () => {
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What these tests put in a generation line. */
interface Row {
  id: string;
  cost_total: number;
}

/** A store double with ClickHouse's two idempotency rules: a repeated token and a stored final record are no-ops. */
function memorySink() {
  const generations = new Map<string, Row>();
  const spans: string[] = [];
  const tokens = new Set<string>();
  const calls: string[] = [];
  let down = false;
  let refuse = (_g: Row) => false;
  const sink: WriterSink = {
    async insertGenerations(rows, { dedupToken }) {
      calls.push(`g:${dedupToken}`);
      if (down)
        throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8123"), { code: "ECONNREFUSED" });
      const decoded = rows.lines.map((line) => JSON.parse(line) as Row);
      if (decoded.some((g) => refuse(g)))
        throw Object.assign(new Error("Cannot parse input"), { type: "CANNOT_PARSE_TEXT" });
      if (tokens.has(`g:${dedupToken}`)) return;
      tokens.add(`g:${dedupToken}`);
      for (const g of decoded) if (!generations.has(g.id)) generations.set(g.id, g);
    },
    async insertSpans(rows, { dedupToken }) {
      calls.push(`s:${dedupToken}`);
      if (down) throw new Error("socket hang up");
      if (tokens.has(`s:${dedupToken}`)) return;
      tokens.add(`s:${dedupToken}`);
      spans.push(...rows);
    },
  };
  return {
    sink,
    generations,
    spans,
    calls,
    setDown: (value: boolean) => {
      down = value;
    },
    setRefuse: (fn: (g: Row) => boolean) => {
      refuse = fn;
    },
  };
}

/** Spooled rows as the ingest side prepares them (minimal lines: this sink only reads the id). */
function batch(ids: string[], costNanos = 1000): SpooledBatch {
  return {
    projectId: "p1",
    generations: {
      ids,
      ranks: ids.map(() => 2),
      lines: ids.map((id) => JSON.stringify({ id, cost_total: costNanos })),
    },
    spans: ids.map((id) => JSON.stringify({ span_id: id, generation_id: id })),
  };
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("writer", () => {
  it("writes spooled batches and removes segments only after the store confirmed them", async () => {
    const store = memorySink();
    const metrics = createMetricsRegistry();
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 20, batchRows: 10, metrics });
    for (let i = 0; i < 20; i++) await spool.append(batch([`a${i}`, `b${i}`]));
    await writer.flush();
    expect(store.generations.size).toBe(40);
    expect(store.spans).toHaveLength(40);
    expect(spool.stats()).toEqual({ bytes: 0, segments: 0, oldestAgeMs: 0 });
    expect(writer.stats()).toMatchObject({ records: 20, generations: 40, spans: 40, retries: 0 });
    expect(metrics.counter(WRITER_METRIC.rowsWritten, "").get({ table: "generations" })).toBe(40);
    expect(metrics.histogram(METRIC.writeLatency, "").get().count).toBeGreaterThan(0);
    expect(metrics.histogram(WRITER_METRIC.writeLag, "").get().count).toBe(20);
    expect(await writer.stop()).toEqual({ drained: true });
  });

  it("writes on its own within the flush interval", async () => {
    const store = memorySink();
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 50 });
    await spool.append(batch(["x"]));
    await until(() => store.generations.has("x"));
    await until(() => spool.stats().segments === 0);
    await writer.stop();
  });

  it("keeps everything through a store outage and writes it when the store is back", async () => {
    const store = memorySink();
    store.setDown(true);
    const metrics = createMetricsRegistry();
    const writer = createWriter({
      spool,
      sink: store.sink,
      flushIntervalMs: 20,
      retryInitialMs: 5,
      retryMaxMs: 20,
      metrics,
    });
    for (let i = 0; i < 10; i++) await spool.append(batch([`g${i}`]));
    await until(() => writer.stats().retries >= 3);
    expect(writer.stats().state).toBe("retrying");
    expect(writer.stats().lastError).toMatch(/ECONNREFUSED/);
    expect(store.generations.size).toBe(0);
    expect(spool.stats().bytes).toBeGreaterThan(0);
    store.setDown(false);
    await writer.flush();
    expect([...store.generations.keys()].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `g${i}`).sort(),
    );
    expect(metrics.counter(WRITER_METRIC.retries, "").get()).toBe(writer.stats().retries);
    expect(writer.stats().state).toBe("running");
    await writer.stop();
  });

  it("replays a segment after a restart with the same dedup tokens", async () => {
    for (let i = 0; i < 6; i++) await spool.append(batch([`g${i}`]));
    await spool.rotate();
    const [segment] = spool.sealedSegments();
    const { records } = await spool.readSegment(segment!.name);
    // First run: inserted but crashed before removing the segment.
    const store = memorySink();
    const ranges = chunkRecords(records, 4);
    for (const range of ranges) {
      const token = `spool:${segment!.name}:${range.start}-${range.end}`;
      const slice = records.slice(range.start, range.end);
      const rows = {
        ids: slice.flatMap((r) => r.batch.generations.ids),
        ranks: slice.flatMap((r) => r.batch.generations.ranks),
        lines: slice.flatMap((r) => r.batch.generations.lines),
      };
      await store.sink.insertGenerations(rows, { dedupToken: token });
    }
    const firstCalls = [...store.calls];
    await spool.close();
    spool = await createSpool({ dir, maxBytes: 64 * 1024 * 1024 });
    const writer = createWriter({ spool, sink: store.sink, batchRows: 4, flushIntervalMs: 20 });
    await until(() => spool.stats().segments === 0);
    await writer.stop();
    const replayed = store.calls.slice(firstCalls.length).filter((c) => c.startsWith("g:"));
    expect(replayed).toEqual(firstCalls);
    expect(replayed.length).toBe(3);
    expect(store.generations.size).toBe(6);
  });

  it("isolates a record the store refuses for good and quarantines it", async () => {
    const store = memorySink();
    store.setRefuse((g) => g.id === "bad");
    const metrics = createMetricsRegistry();
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 20, retryInitialMs: 5, metrics });
    await spool.append(batch(["ok1"]));
    await spool.append(batch(["bad"]));
    await spool.append(batch(["ok2"]));
    await writer.flush();
    expect([...store.generations.keys()].sort()).toEqual(["ok1", "ok2"]);
    expect(writer.stats().quarantined).toBe(1);
    expect(metrics.counter(METRIC.dropped, "").get({ reason: "rejected" })).toBe(1);
    expect(readdirSync(join(dir, "dead"))).toHaveLength(1);
    await writer.stop();
  });

  it("drains a backlog of small segments with fewer, larger inserts, and removes every segment", async () => {
    for (let i = 0; i < 5; i++) {
      await spool.append(batch([`s${i}`]));
      await spool.rotate();
    }
    expect(spool.sealedSegments()).toHaveLength(5);
    // Each segment holds 2 rows (a generation and its span): groups of 2 segments fit in 4 rows.
    const store = memorySink();
    const writer = createWriter({ spool, sink: store.sink, batchRows: 4, flushIntervalMs: 20 });
    await writer.flush();
    expect(store.calls.filter((call) => call.startsWith("g:"))).toHaveLength(3);
    expect([...store.generations.keys()].sort()).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(store.spans).toHaveLength(5);
    expect(spool.stats().segments).toBe(0);
    await writer.stop();
  });

  it("isolates a refused record inside a group of segments, keeping the others", async () => {
    for (const id of ["ok1", "bad", "ok2"]) {
      await spool.append(batch([id]));
      await spool.rotate();
    }
    const store = memorySink();
    store.setRefuse((g) => g.id === "bad");
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 20, retryInitialMs: 5 });
    await writer.flush();
    expect([...store.generations.keys()].sort()).toEqual(["ok1", "ok2"]);
    expect(writer.stats().quarantined).toBe(1);
    expect(readdirSync(join(dir, "dead"))).toHaveLength(1);
    expect(spool.stats().segments).toBe(0);
    await writer.stop();
  });

  it("writes the intact records of a damaged segment and keeps the file in dead/", async () => {
    for (const id of ["a", "b", "c"]) await spool.append(batch([id]));
    await spool.close();
    const [name] = readdirSync(dir).filter((f) => f.endsWith(".seg"));
    const bytes = readFileSync(join(dir, name!));
    bytes[bytes.indexOf('"id":"b"') + 6] = 0x78; // inside record b's payload: its checksum no longer matches
    writeFileSync(join(dir, name!), bytes);
    spool = await createSpool({ dir, maxBytes: 64 * 1024 * 1024 });
    const store = memorySink();
    const metrics = createMetricsRegistry();
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 20, metrics });
    await until(() => spool.stats().segments === 0);
    await writer.stop();
    expect([...store.generations.keys()].sort()).toEqual(["a", "c"]);
    expect(readdirSync(join(dir, "dead"))).toEqual([name]);
    expect(metrics.counter(METRIC.dropped, "").get({ reason: "corrupt" })).toBe(1);
  });

  it("drains on stop({ drain: true }), the active segment included", async () => {
    const store = memorySink();
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) await spool.append(batch([`g${i}`]));
    expect(await writer.stop({ drain: true })).toEqual({ drained: true });
    expect(store.generations.size).toBe(5);
  });

  it("gives up draining at the timeout and leaves the data in the spool", async () => {
    const store = memorySink();
    store.setDown(true);
    const writer = createWriter({ spool, sink: store.sink, flushIntervalMs: 20, retryInitialMs: 5 });
    await spool.append(batch(["g"]));
    const started = Date.now();
    expect(await writer.stop({ drain: true, timeoutMs: 200 })).toEqual({ drained: false });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(spool.stats().bytes).toBeGreaterThan(0);
  });
});

describe("chunkRecords", () => {
  const record = (n: number): SpoolRecord => ({
    appendedAt: 0,
    batch: batch(Array.from({ length: n }, (_, i) => `r${i}`)),
  });
  it("cuts by rows (generations + spans) and gives an oversized record its own range", () => {
    const records = [record(1), record(1), record(1), record(5), record(1)];
    expect(chunkRecords(records, 4)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(chunkRecords(records, 1000)).toEqual([{ start: 0, end: 5 }]);
    expect(chunkRecords([], 10)).toEqual([]);
  });
});

describe("retry policy", () => {
  it("backs off exponentially with jitter, capped", () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(30, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(30, 100, 10_000, () => 0)).toBe(5_000);
  });
  it("retries outages and refuses only data errors", () => {
    expect(isRetryableWriteError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isRetryableWriteError(new Error("Timeout error."))).toBe(true);
    expect(isRetryableWriteError(Object.assign(new Error("x"), { name: "ZodError" }))).toBe(false);
    expect(isRetryableWriteError(Object.assign(new Error("x"), { type: "TYPE_MISMATCH" }))).toBe(false);
    expect(isRetryableWriteError(Object.assign(new Error("x"), { type: "UNKNOWN_TABLE" }))).toBe(true);
    expect(isRetryableWriteError(Object.assign(new Error("x"), { retryable: false }))).toBe(false);
    const named = (name: string, code: string) => Object.assign(new Error("x"), { name, code });
    expect(isRetryableWriteError(named("InvalidInputError", "INVALID_INPUT"))).toBe(false);
    expect(isRetryableWriteError(named("QueryError", "CANNOT_PARSE_TEXT"))).toBe(false);
    expect(isRetryableWriteError(named("QueryError", "UNKNOWN_TABLE"))).toBe(true);
    expect(isRetryableWriteError(named("QueryError", "QUERY_FAILED"))).toBe(true);
  });
});
