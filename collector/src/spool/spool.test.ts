import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Generation } from "@genledger/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMetricsRegistry } from "../metrics.ts";
import { spoolBatch, unspoolBatch } from "./batch.ts";
import { SpoolClosedError, SpoolFullError, SpoolLockedError, SpoolRecordTooLargeError } from "./errors.ts";
import { encodeRecord } from "./frame.ts";
import { SPOOL_METRIC } from "./metric-names.ts";
import { createSpool } from "./spool.ts";
import type { IngestBatch, Spool, SpooledBatch } from "./types.ts";

let dir: string;
const open: Spool[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "genledger-spool-"));
});
afterEach(async () => {
  for (const spool of open.splice(0)) await spool.close();
  rmSync(dir, { recursive: true, force: true });
});

async function spoolAt(options: Partial<Parameters<typeof createSpool>[0]> = {}): Promise<Spool> {
  const spool = await createSpool({ dir, maxBytes: 64 * 1024 * 1024, ...options });
  open.push(spool);
  return spool;
}

function generation(id: string, costNanos: number): Generation {
  return {
    id,
    projectId: "p1",
    status: "complete",
    operation: "generateText",
    userId: "u1",
    sessionId: "",
    functionId: "",
    tags: [],
    metadata: {},
    provider: "openai",
    model: "gpt-4o",
    responseModel: "",
    prompt: {
      system: "",
      messages: [{ role: "user", parts: [{ type: "text", content: `hi ${id}` }] }],
      tools: [],
    },
    output: { messages: [] },
    finishReason: "stop",
    usage: {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      images: 0,
    },
    cost: {
      total: costNanos,
      input: costNanos,
      output: 0,
      cacheRead: 0,
      cacheWrite: 0,
      reasoning: 0,
      image: 0,
    },
    unpriced: false,
    priceEntry: "openai/gpt-4o",
    cacheHit: false,
    cacheSourceId: "",
    costSavedNanos: 0,
    warnings: [],
    redactions: [],
    startedAt: new Date("2026-01-02T03:04:05.678Z"),
    finishedAt: new Date("2026-01-02T03:04:06.789Z"),
    latencyMs: 1111,
    ttftMs: null,
    traceId: "",
    spanId: "",
    error: null,
  };
}

function ingestBatch(id: string, costNanos = 1000): IngestBatch {
  return {
    projectId: "p1",
    generations: [generation(id, costNanos)],
    spans: [
      {
        projectId: "p1",
        traceId: "a".repeat(32),
        spanId: id.padEnd(16, "0").slice(0, 16),
        parentSpanId: "",
        name: "ai.generateText",
        kind: "internal",
        startTime: new Date("2026-01-02T03:04:05.678Z"),
        endTime: new Date("2026-01-02T03:04:06.789Z"),
        statusCode: "ok",
        statusMessage: "",
        attributes: { "genledger.generation.id": id },
        generationId: id,
      },
    ],
  };
}

function batch(id: string, costNanos = 1000): SpooledBatch {
  return spoolBatch(ingestBatch(id, costNanos));
}

async function readAll(spool: Spool): Promise<string[]> {
  const ids: string[] = [];
  for (const segment of spool.sealedSegments()) {
    const { records } = await spool.readSegment(segment.name);
    for (const record of records) ids.push(...unspoolBatch(record.batch).generations.map((g) => g.id));
  }
  return ids;
}

describe("spool", () => {
  it("returns acknowledged batches after a restart, in order, with dates revived", async () => {
    const spool = await spoolAt();
    const before = Date.now();
    for (let i = 0; i < 5; i++) await spool.append(batch(`g${i}`, 100 + i));
    await spool.close();
    open.length = 0;

    const reopened = await spoolAt();
    expect(await readAll(reopened)).toEqual(["g0", "g1", "g2", "g3", "g4"]);
    const [segment] = reopened.sealedSegments();
    const { records, tornBytes, corruptBytes } = await reopened.readSegment(segment!.name);
    expect({ tornBytes, corruptBytes }).toEqual({ tornBytes: 0, corruptBytes: 0 });
    expect(unspoolBatch(records[3]!.batch).generations[0]!.cost?.total).toBe(103);
    expect(unspoolBatch(records[0]!.batch).generations[0]!.startedAt).toEqual(
      new Date("2026-01-02T03:04:05.678Z"),
    );
    expect(unspoolBatch(records[0]!.batch).spans[0]!.endTime).toBeInstanceOf(Date);
    expect(records[0]!.appendedAt).toBeGreaterThanOrEqual(before);
  });

  it("ignores a torn write at the end of a segment (a crash mid-append)", async () => {
    const spool = await spoolAt();
    await spool.append(batch("a"));
    await spool.append(batch("b"));
    await spool.close();
    open.length = 0;
    const [name] = readdirSync(dir).filter((f) => f.endsWith(".seg"));
    const torn = encodeRecord({ appendedAt: Date.now(), batch: batch("c") });
    appendFileSync(join(dir, name!), torn.subarray(0, torn.length - 7));

    const reopened = await spoolAt();
    const { records, tornBytes, corruptBytes } = await reopened.readSegment(name!);
    expect(records.map((r) => unspoolBatch(r.batch).generations[0]!.id)).toEqual(["a", "b"]);
    expect(tornBytes).toBe(torn.length - 7);
    expect(corruptBytes).toBe(0);
    // New appends go to a new segment, never behind the torn bytes.
    await reopened.append(batch("d"));
    await reopened.rotate();
    expect(await readAll(reopened)).toEqual(["a", "b", "d"]);
  });

  it("reads records an older collector spooled as JSON (GLS1) and prepares them for the writer", async () => {
    const spool = await spoolAt();
    await spool.append(batch("new"));
    await spool.close();
    open.length = 0;
    const [name] = readdirSync(dir).filter((f) => f.endsWith(".seg"));
    const payload = Buffer.from(JSON.stringify({ t: 1234, b: ingestBatch("old", 777) }), "utf8");
    const header = Buffer.alloc(12);
    header.write("GLS1", 0, "latin1");
    header.writeUInt32BE(payload.length, 4);
    header.writeUInt32BE(crc32(payload), 8);
    appendFileSync(join(dir, name!), Buffer.concat([header, payload]));

    const reopened = await spoolAt();
    const { records, corruptBytes, tornBytes } = await reopened.readSegment(name!);
    expect({ corruptBytes, tornBytes }).toEqual({ corruptBytes: 0, tornBytes: 0 });
    expect(records.map((r) => r.batch.generations.ids[0])).toEqual(["new", "old"]);
    const old = unspoolBatch(records[1]!.batch);
    expect(records[1]!.appendedAt).toBe(1234);
    expect(old.generations[0]).toEqual(ingestBatch("old", 777).generations[0]);
    expect(old.spans[0]).toEqual(ingestBatch("old", 777).spans[0]);
  });

  it("skips a damaged record in the middle and keeps the ones after it", async () => {
    const spool = await spoolAt();
    for (const id of ["a", "b", "c"]) await spool.append(batch(id));
    await spool.close();
    open.length = 0;
    const [name] = readdirSync(dir).filter((f) => f.endsWith(".seg"));
    const bytes = readFileSync(join(dir, name!));
    const first = encodeRecord({ appendedAt: Date.now(), batch: batch("a") }).length;
    bytes[first + 40] = bytes[first + 40]! ^ 0xff; // inside record "b"'s payload
    writeFileSync(join(dir, name!), bytes);

    const reopened = await spoolAt();
    const { records, corruptBytes, tornBytes } = await reopened.readSegment(name!);
    expect(records.map((r) => unspoolBatch(r.batch).generations[0]!.id)).toEqual(["a", "c"]);
    expect(corruptBytes).toBeGreaterThan(0);
    expect(tornBytes).toBe(0);
  });

  it("shares one fsync between concurrent appends (group commit)", async () => {
    const metrics = createMetricsRegistry();
    const spool = await spoolAt({ metrics });
    await Promise.all(Array.from({ length: 200 }, (_, i) => spool.append(batch(`g${i}`))));
    const appends = metrics.counter(SPOOL_METRIC.appends, "").get();
    const fsyncs = metrics.counter(SPOOL_METRIC.fsyncs, "").get();
    expect(appends).toBe(200);
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    expect(fsyncs).toBeLessThan(20);
    await spool.rotate();
    expect((await readAll(spool)).sort()).toEqual(Array.from({ length: 200 }, (_, i) => `g${i}`).sort());
  });

  it("rotates segments by size and keeps order across them", async () => {
    const one = encodeRecord({ appendedAt: Date.now(), batch: batch("x0") }).length;
    const spool = await spoolAt({ segmentBytes: one * 3 });
    for (let i = 0; i < 10; i++) await spool.append(batch(`x${i}`));
    await spool.rotate();
    expect(spool.sealedSegments().length).toBe(4);
    expect(await readAll(spool)).toEqual(Array.from({ length: 10 }, (_, i) => `x${i}`));
  });

  it("seals the active segment on rotate, and only when it is old enough", async () => {
    const spool = await spoolAt();
    await spool.append(batch("a"));
    await spool.rotate({ minAgeMs: 60_000 });
    expect(spool.sealedSegments()).toHaveLength(0);
    expect(spool.stats().segments).toBe(1);
    await spool.rotate({ minAgeMs: 0 });
    expect(spool.sealedSegments()).toHaveLength(1);
    await spool.rotate();
    expect(spool.sealedSegments()).toHaveLength(1);
  });

  it("seals by age on its own", async () => {
    const spool = await spoolAt({ segmentMaxAgeMs: 100 });
    await spool.append(batch("a"));
    const sealed = new Promise<void>((resolve) => spool.onSealed(resolve));
    await sealed;
    expect(spool.sealedSegments()).toHaveLength(1);
  });

  it("refuses appends with SpoolFullError once maxBytes wait, and accepts again after removal", async () => {
    const one = encodeRecord({ appendedAt: Date.now(), batch: batch("a") }).length;
    const spool = await spoolAt({ maxBytes: one * 2, retryAfterSeconds: 7 });
    await spool.append(batch("a"));
    await spool.append(batch("b"));
    const error = await spool.append(batch("c")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpoolFullError);
    expect((error as SpoolFullError).retryAfterSeconds).toBe(7);
    expect(spool.stats().bytes).toBe(one * 2);
    await spool.rotate();
    for (const segment of spool.sealedSegments()) await spool.removeSegment(segment.name);
    expect(spool.stats()).toEqual({ bytes: 0, segments: 0, oldestAgeMs: 0 });
    await expect(spool.append(batch("c"))).resolves.toBeUndefined();
  });

  it("refuses a record larger than maxRecordBytes", async () => {
    const spool = await spoolAt({ maxRecordBytes: 100 });
    await expect(spool.append(batch("a"))).rejects.toBeInstanceOf(SpoolRecordTooLargeError);
  });

  it("reports bytes, segments and the age of the oldest record", async () => {
    const spool = await spoolAt();
    expect(spool.stats()).toEqual({ bytes: 0, segments: 0, oldestAgeMs: 0 });
    await spool.append(batch("a"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stats = spool.stats();
    expect(stats.bytes).toBe(encodeRecord({ appendedAt: Date.now(), batch: batch("a") }).length);
    expect(stats.segments).toBe(1);
    expect(stats.oldestAgeMs).toBeGreaterThanOrEqual(25);
  });

  it("allows one spool per directory, and takes over the lock of a dead process", async () => {
    await spoolAt();
    await expect(createSpool({ dir, maxBytes: 1000 })).rejects.toBeInstanceOf(SpoolLockedError);
    await open.pop()!.close();

    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    writeFileSync(join(dir, "LOCK"), dead.stdout.toString());
    const spool = await spoolAt();
    expect(readFileSync(join(dir, "LOCK"), "utf8").trim()).toBe(String(process.pid));
    await spool.close();
    expect(readdirSync(dir)).not.toContain("LOCK");
  });

  it("rejects appends after close and keeps what was acknowledged", async () => {
    const spool = await spoolAt();
    const pending = [spool.append(batch("a")), spool.append(batch("b"))];
    await spool.close();
    await Promise.all(pending);
    await expect(spool.append(batch("c"))).rejects.toBeInstanceOf(SpoolClosedError);
    open.length = 0;
    expect(await readAll(await spoolAt())).toEqual(["a", "b"]);
  });

  it("quarantines a record in dead/ with its reason", async () => {
    const spool = await spoolAt();
    await spool.quarantine(
      "000000000001-x-00000000.seg",
      3,
      { appendedAt: 1, batch: batch("bad") },
      "TYPE_MISMATCH",
    );
    const [file] = readdirSync(join(dir, "dead"));
    const saved = JSON.parse(readFileSync(join(dir, "dead", file!), "utf8"));
    expect(saved).toMatchObject({ index: 3, reason: "TYPE_MISMATCH" });
    expect(unspoolBatch(saved.record.batch).generations[0]!.id).toBe("bad");
  });
});
