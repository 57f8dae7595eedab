import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createClickHouse,
  getGeneration,
  getTraceSpans,
  type Store,
  spendRollup,
} from "@genledger/clickhouse";
import { Generation } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spoolBatch } from "../spool/batch.ts";
import type { SpoolSpan } from "../spool/types.ts";
import { createSweeper } from "../sweeper.ts";
import { clickHouseMarkAbandoned, clickHouseSink } from "./clickhouse-sink.ts";

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "genledger-sink-"));
  store = await createClickHouse({ url: "", dataDir: dir });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = new Date(Date.UTC(2026, 2, 1, 8, 0, 0));

function generation(id: string, status: "pending" | "complete", total: number, startedAt = at): Generation {
  return Generation.parse({
    id,
    projectId: "sink",
    status,
    model: "gpt-4o",
    provider: "openai",
    cost: status === "pending" ? null : { total, input: total },
    startedAt,
  });
}

function span(id: string): SpoolSpan {
  return {
    projectId: "sink",
    traceId: "f".repeat(32),
    spanId: id.padStart(16, "0").slice(-16),
    parentSpanId: "",
    name: "chat gpt-4o",
    kind: "client",
    startTime: at,
    endTime: at,
    statusCode: "ok",
    statusMessage: "",
    attributes: {},
    generationId: id,
  };
}

async function spent(): Promise<{ cost: bigint; requests: number }> {
  const rows = await spendRollup(store, {
    projectId: "sink",
    from: new Date(at.getTime() - 86_400_000),
    to: new Date(at.getTime() + 86_400_000),
    bucket: "day",
    groupBy: [],
  });
  return {
    cost: rows.reduce((sum, row) => sum + BigInt(row.costNanos), 0n),
    requests: rows.reduce((sum, row) => sum + Number(row.requests), 0),
  };
}

describe("ClickHouse sink of the writer", () => {
  it("makes a replayed batch a no-op: same token, same rows, spend counted once", async () => {
    const sink = clickHouseSink(store);
    const first = spoolBatch({
      projectId: "sink",
      generations: [generation("sink-a", "complete", 1500), generation("sink-b", "complete", 2500)],
      spans: [span("sink-a"), span("sink-b")],
    });
    await sink.insertGenerations(first.generations, { dedupToken: "spool:seg-1:0-2" });
    await sink.insertSpans(first.spans, { dedupToken: "spool:seg-1:0-2" });
    await sink.insertGenerations(first.generations, { dedupToken: "spool:seg-1:0-2" });
    await sink.insertSpans(first.spans, { dedupToken: "spool:seg-1:0-2" });
    // A client re-send lands in another segment, with another token: the stored final record wins.
    const resent = spoolBatch({
      projectId: "sink",
      generations: [generation("sink-a", "complete", 1500)],
      spans: [],
    });
    await sink.insertGenerations(resent.generations, { dedupToken: "spool:seg-9:4-5" });
    expect(await spent()).toEqual({ cost: 4000n, requests: 2 });
    const physical = await store.client.query({
      query: "SELECT count() AS n FROM spans WHERE project_id = 'sink'",
      format: "JSONEachRow",
    });
    expect(Number((await physical.json<{ n: string }>())[0]?.n)).toBe(2);
    expect(await getTraceSpans(store, "f".repeat(32), { projectId: "sink" })).toHaveLength(2);
  });

  it("lets the sweeper turn stale pending generations into abandoned ones", async () => {
    const sink = clickHouseSink(store);
    const old = new Date(Date.now() - 60 * 60_000);
    const pending = (id: string, at: Date) =>
      spoolBatch({ projectId: "sink", generations: [generation(id, "pending", 0, at)], spans: [] })
        .generations;
    await sink.insertGenerations(pending("sink-stale", old), { dedupToken: "spool:seg-2:0-1" });
    await sink.insertGenerations(pending("sink-fresh", new Date()), { dedupToken: "spool:seg-2:1-2" });
    const sweeper = createSweeper({
      markAbandoned: clickHouseMarkAbandoned(store),
      pendingTimeoutMs: 15 * 60_000,
    });
    expect(await sweeper.sweep()).toBe(1);
    await sweeper.stop();
    expect((await getGeneration(store, "sink-stale"))?.status).toBe("abandoned");
    expect((await getGeneration(store, "sink-fresh"))?.status).toBe("pending");
  });
});
