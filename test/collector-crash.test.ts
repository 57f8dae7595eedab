// Crash safety of the collector's durability side: a collector process (spool + writer + the real
// embedded ClickHouse) receives generations and is SIGKILLed at random moments, several times,
// then restarted. Every acknowledged generation must end up stored exactly once and the spend
// must equal the exact sum of their costs; a client re-sending what was not acknowledged must
// not double-count anything.
import { existsSync, readdirSync } from "node:fs";
import { createClickHouse, getGeneration, spendRollup } from "@genledger/clickhouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CollectorChild, startCollectorChild } from "./support/collector-child.ts";
import { type OtlpGeneration, otlpExport } from "./support/collector-otlp.ts";
import { tempDir } from "./support/services.ts";

const GENERATIONS = 600;
const KILLS = 4;
const PROJECT = "crash-test";
const KEY = "crash-test-ingest-key";

interface Request {
  index: number;
  body: string;
  ids: string[];
  cost: number;
  /** A client that gives up: sent once, never re-sent after a failure. */
  sendOnce: boolean;
  sent: number;
  acked: boolean;
}

// Deterministic pseudo-random numbers (mulberry32) so a failure can be replayed with its seed.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const rand = random(seed);
const started = new Date(Date.UTC(2026, 0, 15, 10, 0, 0));

function buildRequests(): Request[] {
  const requests: Request[] = [];
  let n = 0;
  while (n < GENERATIONS) {
    const size = Math.min(GENERATIONS - n, 1 + Math.floor(rand() * 4));
    const generations: OtlpGeneration[] = [];
    let cost = 0;
    for (let k = 0; k < size; k++, n++) {
      const costNanos = 1 + Math.floor(rand() * 5_000_000); // up to half a cent
      cost += costNanos;
      generations.push({
        id: `crash${seed.toString(36)}_${String(n).padStart(6, "0")}`,
        costNanos,
        userId: `user-${n % 7}`,
        startedAt: new Date(started.getTime() + n * 1000),
        n,
      });
    }
    requests.push({
      index: requests.length,
      body: otlpExport(generations),
      ids: generations.map((g) => g.id),
      cost,
      sendOnce: requests.length % 10 === 9,
      sent: 0,
      acked: false,
    });
  }
  return requests;
}

/** Sends requests with `concurrency` clients until none is left to send or the collector dies. */
async function sendAll(child: CollectorChild, requests: Request[], concurrency: number): Promise<void> {
  const todo = requests.filter((r) => !r.acked && !(r.sendOnce && r.sent > 0));
  let dead = false;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!dead) {
        const request = todo.shift();
        if (!request) return;
        request.sent += 1;
        try {
          const response = await fetch(child.tracesUrl, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
            body: request.body,
          });
          const text = await response.text();
          if (response.status === 200) request.acked = true;
          else throw new Error(`unexpected answer ${response.status}: ${text}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith("unexpected answer")) throw error;
          dead = true; // connection refused or reset: the collector was killed
        }
      }
    }),
  );
}

function segmentsIn(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".seg")).length : 0;
}

let data: ReturnType<typeof tempDir>;
beforeAll(() => {
  data = tempDir("genledger-crash-");
});
afterAll(() => data?.remove());

describe("collector crash safety", () => {
  it(`keeps every acknowledged generation exactly once through ${KILLS} SIGKILLs (seed ${seed})`, async () => {
    const dataDir = `${data.path}/data`;
    const spoolDir = `${data.path}/spool`;
    const requests = buildRequests();

    const spooledAtRestart: number[] = [];
    for (let round = 0; round <= KILLS; round++) {
      if (round > 0) spooledAtRestart.push(segmentsIn(spoolDir));
      const child = await startCollectorChild({ dataDir, spoolDir, ingestKey: KEY, projectId: PROJECT });
      if (round < KILLS) {
        // Kill at a random moment: while requests are being acknowledged and the writer inserts.
        const killAfter = 50 + Math.floor(rand() * 600);
        const sending = sendAll(child, requests, 8);
        await new Promise((resolve) => setTimeout(resolve, killAfter));
        await child.kill();
        await sending;
      } else {
        await sendAll(child, requests, 8);
        expect(await child.drain()).toEqual({ drained: true });
      }
    }

    const acked = requests.filter((r) => r.acked);
    const notAcked = requests.filter((r) => !r.acked);
    // Every request is acknowledged at the end except clients that gave up after a kill.
    expect(notAcked.every((r) => r.sendOnce)).toBe(true);
    expect(acked.length).toBeGreaterThan(requests.length / 2);
    expect(requests.some((r) => r.sent > 1)).toBe(true); // re-sends happened
    // At least one kill left acknowledged data in the spool that only the replay could deliver.
    expect(spooledAtRestart.some((n) => n > 0)).toBe(true);
    console.log(
      `crash test seed ${seed}: ${acked.length}/${requests.length} requests acknowledged, ` +
        `${requests.filter((r) => r.sent > 1).length} re-sent, segments in the spool at each restart: ${spooledAtRestart.join(", ")}`,
    );

    const store = await createClickHouse({ url: "", dataDir });
    try {
      // Each generation's final record is stored at most once, acknowledged ones exactly once.
      const rows = await store.client.query({
        query: `SELECT id, count() AS copies, any(cost_total) AS cost FROM generations
                WHERE project_id = {project:String} AND status != 'pending' GROUP BY id`,
        query_params: { project: PROJECT },
        format: "JSONEachRow",
      });
      const stored = new Map(
        (await rows.json<{ id: string; copies: string | number; cost: string | number }>()).map((r) => [
          r.id,
          { copies: Number(r.copies), cost: Number(r.cost) },
        ]),
      );
      for (const [id, row] of stored) expect({ id, copies: row.copies }).toEqual({ id, copies: 1 });
      for (const request of acked) for (const id of request.ids) expect(stored.has(id)).toBe(true);

      // Spans are deduplicated by the writer's token alone: a replay of the spool must not copy them.
      const spanRows = await store.client.query({
        query: `SELECT generation_id AS id, count() AS copies FROM spans
                WHERE project_id = {project:String} GROUP BY generation_id`,
        query_params: { project: PROJECT },
        format: "JSONEachRow",
      });
      const spanCopies = new Map(
        (await spanRows.json<{ id: string; copies: string | number }>()).map((r) => [r.id, Number(r.copies)]),
      );
      // A client re-send of a request that was spooled before the kill is a new delivery: its spans
      // may be stored again (merged away later, read once), but never more often than it was sent.
      const sends = new Map(requests.flatMap((r) => r.ids.map((id) => [id, r.sent] as const)));
      for (const [id, copies] of spanCopies) expect(copies).toBeLessThanOrEqual(sends.get(id) ?? 0);
      for (const request of acked) for (const id of request.ids) expect(spanCopies.has(id)).toBe(true);

      // Unacknowledged requests may be stored (spooled before the kill) or not, but only whole.
      let expected = 0n;
      for (const request of requests) {
        const present = request.ids.filter((id) => stored.has(id)).length;
        if (request.acked) expect(present).toBe(request.ids.length);
        else expect([0, request.ids.length]).toContain(present);
        if (present > 0) expected += BigInt(request.cost);
      }
      const ackedCost = acked.reduce((sum, r) => sum + BigInt(r.cost), 0n);
      expect(expected >= ackedCost).toBe(true);

      const rawSum = [...stored.values()].reduce((sum, r) => sum + BigInt(r.cost), 0n);
      expect(rawSum).toBe(expected);

      const rollup = await spendRollup(store, {
        projectId: PROJECT,
        from: new Date(started.getTime() - 86_400_000),
        to: new Date(started.getTime() + 2 * 86_400_000),
        bucket: "day",
        groupBy: [],
      });
      const rollupSum = rollup.reduce((sum, row) => sum + BigInt(row.costNanos), 0n);
      expect(rollupSum).toBe(expected);
      expect(rollup.reduce((sum, row) => sum + Number(row.requests), 0)).toBe(stored.size);

      const sample = acked[0]!.ids[0]!;
      const generation = await getGeneration(store, sample, { projectId: PROJECT });
      expect(generation?.status).toBe("complete");
    } finally {
      await store.close();
    }
  }, 300_000);
});
