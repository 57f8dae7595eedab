// Store outages on the collector's durability side: while ClickHouse is unreachable, batches are
// still accepted into the spool, and all of them land once it is back; when the spool is full,
// appends are refused with SpoolFullError (503 + Retry-After over HTTP).
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { createClickHouse, type Store, spendRollup } from "@genledger/clickhouse";
import { createBlobStore, Generation } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCollectorConfig } from "../collector/src/config.ts";
import { createCollector } from "../collector/src/server.ts";
import { spoolBatch } from "../collector/src/spool/batch.ts";
import { SpoolFullError } from "../collector/src/spool/errors.ts";
import { createSpool } from "../collector/src/spool/spool.ts";
import type { Spool, SpooledBatch } from "../collector/src/spool/types.ts";
import { clickHouseSink } from "../collector/src/writer/clickhouse-sink.ts";
import type { WriterSink } from "../collector/src/writer/types.ts";
import { createWriter } from "../collector/src/writer/writer.ts";
import { type OtlpGeneration, otlpExport } from "./support/collector-otlp.ts";
import { freePort, tempDir } from "./support/services.ts";

const day = new Date(Date.UTC(2026, 1, 3, 9, 0, 0));

function batch(project: string, from: number, count: number): { batch: SpooledBatch; cost: bigint } {
  let cost = 0n;
  const generations = Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const total = 1000 + n * 7919;
    cost += BigInt(total);
    return Generation.parse({
      id: `${project}-${String(n).padStart(5, "0")}`,
      projectId: project,
      status: "complete",
      provider: "anthropic",
      model: "claude-sonnet-4",
      userId: `u${n % 3}`,
      usage: { inputTokens: 50, outputTokens: 10 },
      cost: { total, input: total },
      startedAt: new Date(day.getTime() + n * 1000),
      finishedAt: new Date(day.getTime() + n * 1000 + 200),
    });
  });
  return { batch: spoolBatch({ projectId: project, generations, spans: [] }), cost };
}

async function spend(store: Store, project: string): Promise<{ cost: bigint; requests: number }> {
  const rows = await spendRollup(store, {
    projectId: project,
    from: new Date(day.getTime() - 86_400_000),
    to: new Date(day.getTime() + 86_400_000),
    bucket: "day",
    groupBy: [],
  });
  return {
    cost: rows.reduce((sum, row) => sum + BigInt(row.costNanos), 0n),
    requests: rows.reduce((sum, row) => sum + Number(row.requests), 0),
  };
}

const KEY_PREFIX = "outage-test-key-";

/** An OTLP export of `count` generations of `project`, and their total cost. */
function otlp(project: string, from: number, count: number): { body: string; cost: bigint } {
  const generations: OtlpGeneration[] = Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return {
      id: `${project}-${String(n).padStart(5, "0")}`,
      costNanos: 1000 + n * 7919,
      userId: `u${n % 3}`,
      startedAt: new Date(day.getTime() + n * 1000),
      n,
    };
  });
  return {
    body: otlpExport(generations),
    cost: generations.reduce((sum, g) => sum + BigInt(g.costNanos), 0n),
  };
}

/** The real OTLP/HTTP receiver over `spool`, with an ingest key for `project`. */
async function startCollector(spool: Spool, project: string) {
  const key = `${KEY_PREFIX}${project}`;
  const config = resolveCollectorConfig({
    port: 0,
    logLevel: "silent",
    auth: { staticKeys: [{ secret: key, projectId: project }] },
  });
  const collector = createCollector({ config, spool, blobs: createBlobStore(`file://${dirs.path}/blobs`) });
  const { url } = await collector.listen(0, "127.0.0.1");
  return {
    post: (body: string) =>
      fetch(`${url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
      }),
    close: () => collector.close(),
  };
}

const until = async (check: () => boolean | Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

let dirs: ReturnType<typeof tempDir>;
let store: Store;
beforeAll(async () => {
  dirs = tempDir("genledger-outage-");
  store = await createClickHouse({ url: "", dataDir: `${dirs.path}/data` });
});
afterAll(async () => {
  await store?.close();
  dirs?.remove();
});

async function newSpool(name: string, maxBytes = 64 * 1024 * 1024): Promise<Spool> {
  return await createSpool({ dir: `${dirs.path}/${name}`, maxBytes });
}

describe("collector durability through a store outage", () => {
  it("acknowledges exports over HTTP while the store is down and writes all of them once it is back", async () => {
    const spool = await newSpool("spool-down");
    const real = clickHouseSink(store);
    let down = true;
    let refused = 0;
    const outage = (): never => {
      refused++;
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8123"), { code: "ECONNREFUSED" });
    };
    const sink: WriterSink = {
      insertGenerations: (rows, options) => (down ? outage() : real.insertGenerations(rows, options)),
      insertSpans: (rows, options) => (down ? outage() : real.insertSpans(rows, options)),
    };
    const writer = createWriter({ spool, sink, flushIntervalMs: 20, retryInitialMs: 10, retryMaxMs: 100 });
    const collector = await startCollector(spool, "outage-a");
    let expected = 0n;
    for (let i = 0; i < 40; i++) {
      const { body, cost } = otlp("outage-a", i * 5, 5);
      const response = await collector.post(body);
      expect(response.status).toBe(200); // acknowledged while the store is down
      expected += cost;
    }
    await until(() => refused >= 3);
    expect(writer.stats().state).toBe("retrying");
    expect(spool.stats().bytes).toBeGreaterThan(0);
    expect((await spend(store, "outage-a")).requests).toBe(0);

    down = false;
    await writer.flush();
    expect(await spend(store, "outage-a")).toEqual({ cost: expected, requests: 200 });
    expect(spool.stats().segments).toBe(0);
    await collector.close();
    await writer.stop();
    await spool.close();
  });

  it("retries against a ClickHouse URL on a closed port, then a restarted writer delivers everything", async () => {
    const spool = await newSpool("spool-closed-port");
    const port = await freePort(); // nothing listens there
    // The real HTTP client against a closed port: the error shape the writer meets in production.
    const client = createClient({
      url: `http://127.0.0.1:${port}`,
      request_timeout: 2000,
      log: { level: ClickHouseLogLevel.OFF },
    });
    const unreachable: WriterSink = {
      insertGenerations: (rows) =>
        client.insert({ table: "generations", values: rows, format: "JSONEachRow" }),
      insertSpans: (rows) => client.insert({ table: "spans", values: rows, format: "JSONEachRow" }),
    };
    const first = createWriter({
      spool,
      sink: unreachable,
      flushIntervalMs: 20,
      retryInitialMs: 10,
      retryMaxMs: 50,
    });
    let expected = 0n;
    for (let i = 0; i < 10; i++) {
      const { batch: b, cost } = batch("outage-b", i * 3, 3);
      await spool.append(b);
      expected += cost;
    }
    await until(() => first.stats().retries >= 2);
    expect(first.stats().lastError).toMatch(/ECONNREFUSED|connect|fetch failed/i);
    expect(await first.stop({ drain: true, timeoutMs: 300 })).toEqual({ drained: false });
    await client.close();
    await spool.close();

    // A restart against the real store replays the spool.
    const reopened = await newSpool("spool-closed-port");
    const second = createWriter({ spool: reopened, sink: clickHouseSink(store), flushIntervalMs: 20 });
    expect(await second.stop({ drain: true, timeoutMs: 30_000 })).toEqual({ drained: true });
    expect(await spend(store, "outage-b")).toEqual({ cost: expected, requests: 30 });
    await reopened.close();
  });

  it("refuses appends with SpoolFullError and a Retry-After once the spool limit is reached", async () => {
    const { batch: one } = batch("outage-c", 0, 5);
    const spool = await newSpool("spool-full", 20_000);
    let accepted = 0;
    let full: unknown;
    for (let i = 0; i < 100 && !full; i++) {
      try {
        await spool.append(batch("outage-c", i * 5, 5).batch);
        accepted++;
      } catch (error) {
        full = error;
      }
    }
    expect(full).toBeInstanceOf(SpoolFullError);
    expect((full as SpoolFullError).retryAfterSeconds).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
    expect(spool.stats().bytes).toBeGreaterThanOrEqual(20_000);

    // Once the writer drained it, the spool accepts again and nothing was lost.
    const writer = createWriter({ spool, sink: clickHouseSink(store), flushIntervalMs: 20 });
    await writer.flush();
    await expect(spool.append(one)).resolves.toBeUndefined();
    await writer.flush();
    expect((await spend(store, "outage-c")).requests).toBe(accepted * 5);
    await writer.stop();
    await spool.close();
  });

  it("answers 503 with Retry-After over HTTP when the spool is full, and 200 again once drained", async () => {
    const spool = await createSpool({
      dir: `${dirs.path}/spool-http-full`,
      maxBytes: 30_000,
      retryAfterSeconds: 7,
    });
    const collector = await startCollector(spool, "outage-d");
    let accepted = 0;
    let expected = 0n;
    let refusal: Response | undefined;
    for (let i = 0; i < 200 && !refusal; i++) {
      const { body, cost } = otlp("outage-d", i * 4, 4);
      const response = await collector.post(body);
      if (response.status === 200) {
        accepted++;
        expected += cost;
        await response.arrayBuffer();
      } else refusal = response;
    }
    expect(refusal?.status).toBe(503);
    expect(refusal?.headers.get("retry-after")).toBe("7");
    await refusal?.arrayBuffer();
    expect(accepted).toBeGreaterThan(0);

    // The store catches up: the spool drains and exports are accepted again; nothing accepted was lost.
    const writer = createWriter({ spool, sink: clickHouseSink(store), flushIntervalMs: 20 });
    await writer.flush();
    const { body, cost } = otlp("outage-d", 10_000, 4);
    const again = await collector.post(body);
    expect(again.status).toBe(200);
    await again.arrayBuffer();
    await writer.flush();
    expect(await spend(store, "outage-d")).toEqual({ cost: expected + cost, requests: (accepted + 1) * 4 });
    await collector.close();
    await writer.stop();
    await spool.close();
  });
});
