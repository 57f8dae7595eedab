import type { Generation } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { generationToRow, rowVersion } from "./generation-row.ts";
import { getGeneration, insertGenerations, markAbandoned } from "./generations.ts";
import { reconcileRollups, type SpendRow, spendRollup } from "./rollups.ts";
import { execute, insertRows, queryRows } from "./sql.ts";
import { makeGeneration, openTempStore } from "./test-store.ts";

let ctx: Awaited<ReturnType<typeof openTempStore>>;
beforeAll(async () => {
  ctx = await openTempStore();
});
afterAll(async () => {
  await ctx?.cleanup();
});

/** A generation with every field set to a non-default value. */
function everyField(): Generation {
  return makeGeneration({
    id: "gen_every_field_0001",
    projectId: "proj_full",
    status: "complete",
    operation: "streamText",
    userId: "user-ü-42",
    sessionId: "sess_1",
    functionId: "support-reply",
    tags: ["prod", "beta"],
    metadata: { tenant: "acme", "quote'd": 'it\'s "fine"\\n' },
    provider: "openai",
    model: "gpt-4o",
    responseModel: "gpt-4o-2024-08-06",
    prompt: {
      system: "You are terse.",
      messages: [
        {
          role: "user",
          parts: [
            { type: "text", content: "Summarise: 🦀 rust\nline two" },
            { type: "file", modality: "image", mime_type: "image/png", file_id: "sha256:abc", size: 1234 },
          ],
        },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "call_1", name: "lookup", arguments: { q: "rust" } }],
        },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: { ok: true } }] },
      ],
      tools: [{ name: "lookup", parameters: { type: "object" } }],
      values: ["embed me"],
    },
    output: {
      messages: [
        {
          role: "assistant",
          parts: [
            { type: "reasoning", content: "thinking" },
            { type: "text", content: "Rust is a language." },
          ],
          finish_reason: "stop",
        },
      ],
      object: { summary: "rust", n: 3 },
      embeddings: 1,
    },
    finishReason: "stop",
    usage: {
      inputTokens: 1200,
      outputTokens: 340,
      cacheReadTokens: 1000,
      cacheWriteTokens: 100,
      reasoningTokens: 40,
      images: 2,
    },
    cost: {
      total: 9_007_199_254_740_991,
      input: 1,
      output: 2,
      cacheRead: 3,
      cacheWrite: 4,
      reasoning: 5,
      image: 6,
    },
    unpriced: false,
    priceEntry: "openai/gpt-4o@2024-08-06",
    cacheHit: true,
    cacheSourceId: "gen_source_1",
    costSavedNanos: 12_345,
    warnings: ["budget 80% used"],
    redactions: ["email"],
    startedAt: new Date("2026-11-03T08:15:30.123Z"),
    finishedAt: new Date("2026-11-03T08:15:31.456Z"),
    latencyMs: 1333,
    ttftMs: 210,
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    error: "partial: stream closed",
  });
}

const DAY = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-08T00:00:00Z") };

/** A project's totals over DAY, checked equal in every rollup spendRollup reads. */
async function spend(projectId: string): Promise<{ requests: number; costNanos: bigint }> {
  const total = (rows: SpendRow[]) => ({
    requests: rows.reduce((n, r) => n + r.requests, 0),
    costNanos: rows.reduce((n, r) => n + r.costNanos, 0n),
  });
  const query = { projectId, ...DAY };
  // No dimension: the user x model daily rollup; by status: the main daily one; per hour: the hourly one.
  const userModel = total(await spendRollup(ctx.store, { ...query, bucket: "day", groupBy: [] }));
  expect(total(await spendRollup(ctx.store, { ...query, bucket: "day", groupBy: ["status"] }))).toEqual(
    userModel,
  );
  expect(total(await spendRollup(ctx.store, { ...query, bucket: "hour", groupBy: [] }))).toEqual(userModel);
  return userModel;
}

describe("insertGenerations / getGeneration", () => {
  it("reads back a generation with every field set, deep-equal", async () => {
    const g = everyField();
    expect(await insertGenerations(ctx.store, [g])).toEqual({ inserted: 1, skipped: 0 });
    expect(await getGeneration(ctx.store, g.id)).toEqual(g);
    expect(await getGeneration(ctx.store, g.id, { projectId: "proj_full" })).toEqual(g);
  });

  it("stores prompt and output bodies byte for byte, whatever characters they hold", async () => {
    const tricky = 'q"uote \\ back\\slash \u2028 \u0000 \t tab é 😀 </script> {"not": "an object"} \\u0041';
    const generation = {
      ...everyField(),
      id: "gen_tricky_bodies",
      projectId: "proj_tricky",
      prompt: {
        tools: [],
        system: tricky,
        messages: [{ role: "user" as const, parts: [{ type: "text", content: tricky }] }],
      },
      output: {
        messages: [{ role: "assistant" as const, parts: [{ type: "text", content: tricky }] }],
        object: { k: [1, 2.5, null, tricky] },
      },
    };
    await insertGenerations(ctx.store, [generation]);
    const stored = await getGeneration(ctx.store, "gen_tricky_bodies");
    expect(stored?.prompt).toEqual(generation.prompt);
    expect(stored?.output).toEqual(generation.output);
    const [raw] = await queryRows(
      ctx.store,
      "SELECT prompt FROM generations WHERE id = 'gen_tricky_bodies'",
      z.object({ prompt: z.string() }),
    );
    expect(raw?.prompt).toBe(JSON.stringify(stored?.prompt));
  });

  it("returns null for an unknown id or another project's id", async () => {
    expect(await getGeneration(ctx.store, "gen_does_not_exist")).toBeNull();
    expect(await getGeneration(ctx.store, "gen_every_field_0001", { projectId: "proj_other" })).toBeNull();
  });

  it("keeps one record per id: pending, then complete", async () => {
    const pending = makeGeneration({ projectId: "proj_pc", status: "pending" });
    await insertGenerations(ctx.store, [pending]);
    expect((await getGeneration(ctx.store, pending.id))?.status).toBe("pending");
    const complete = {
      ...pending,
      status: "complete" as const,
      cost: { ...zeroCost, total: 700 },
      latencyMs: 90,
    };
    expect(await insertGenerations(ctx.store, [complete])).toEqual({ inserted: 1, skipped: 0 });
    expect(await getGeneration(ctx.store, pending.id)).toEqual(complete);
    expect(await spend("proj_pc")).toEqual({ requests: 1, costNanos: 700n });
  });

  it("keeps complete when the pending record arrives after it", async () => {
    const complete = makeGeneration({ projectId: "proj_cp", status: "complete", cost: { total: 500 } });
    await insertGenerations(ctx.store, [complete]);
    expect(await insertGenerations(ctx.store, [{ ...complete, status: "pending", cost: null }])).toEqual({
      inserted: 0,
      skipped: 1,
    });
    expect(await getGeneration(ctx.store, complete.id)).toEqual(complete);
    // Even if a late pending row does land (another writer), the complete one still wins on read.
    await insertRows(ctx.store, "generations", [
      generationToRow(
        { ...complete, status: "pending", cost: null },
        rowVersion("pending", Date.now() + 60_000),
      ),
    ]);
    expect((await getGeneration(ctx.store, complete.id))?.status).toBe("complete");
    expect(await spend("proj_cp")).toEqual({ requests: 1, costNanos: 500n });
  });

  it("never double-counts a final record delivered twice in one batch", async () => {
    const g = makeGeneration({ projectId: "proj_dup1", cost: { total: 1_000 } });
    expect(await insertGenerations(ctx.store, [g, g, { ...g, status: "pending", cost: null }])).toEqual({
      inserted: 1,
      skipped: 2,
    });
    expect(await spend("proj_dup1")).toEqual({ requests: 1, costNanos: 1_000n });
  });

  it("never double-counts a final record delivered again in a later batch", async () => {
    const g = makeGeneration({ projectId: "proj_dup2", cost: { total: 2_000 } });
    const other = makeGeneration({ projectId: "proj_dup2", cost: { total: 5 } });
    await insertGenerations(ctx.store, [g]);
    expect(await insertGenerations(ctx.store, [g, other])).toEqual({ inserted: 1, skipped: 1 });
    expect(await insertGenerations(ctx.store, [{ ...g, status: "error", error: "late" }])).toEqual({
      inserted: 0,
      skipped: 1,
    });
    expect(await spend("proj_dup2")).toEqual({ requests: 2, costNanos: 2_005n });
  });

  it("drops a replayed batch with the same dedup token, rollups included", async () => {
    const batch = [
      makeGeneration({ projectId: "proj_dup3", status: "pending" }),
      makeGeneration({ projectId: "proj_dup3", cost: { total: 3_000 } }),
    ];
    // A background merge would collapse the version-1 copies counted below into the real rows
    // (ReplacingMergeTree): hold merges while counting physical rows.
    await execute(ctx.store, "SYSTEM STOP MERGES generations");
    onTestFinished(() => execute(ctx.store, "SYSTEM START MERGES generations"));
    await insertGenerations(ctx.store, batch, { dedupToken: "spool-segment-17" });
    // Simulate a second writer that cannot see the first one's rows: bypass the skip check and
    // replay the exact insert with the same token.
    const rows = batch.map((g) => generationToRow(g, 1));
    const settings = {
      insert_deduplication_token: "spool-segment-99",
      deduplicate_blocks_in_dependent_materialized_views: 1,
    };
    await insertRows(ctx.store, "generations", rows, settings);
    await insertRows(ctx.store, "generations", rows, settings);
    const copies = await queryRows(
      ctx.store,
      "SELECT count() AS n FROM generations WHERE project_id = 'proj_dup3' AND version = 1",
      z.object({ n: z.coerce.number() }),
    );
    expect(copies[0]?.n).toBe(2);
    expect(await spend("proj_dup3")).toEqual({ requests: 2, costNanos: 6_000n });
    // The real path with the same token is a no-op too.
    expect(await insertGenerations(ctx.store, batch, { dedupToken: "spool-segment-17" })).toEqual({
      inserted: 0,
      skipped: 2,
    });
  });

  it("checks a batch larger than one id query (10,000 ids) and still skips every re-delivery", async () => {
    const many = Array.from({ length: 10_050 }, (_, i) =>
      makeGeneration({ id: `gen_big_${i}`, projectId: "proj_big", cost: { total: 1 } }),
    );
    expect(await insertGenerations(ctx.store, many)).toEqual({ inserted: 10_050, skipped: 0 });
    expect(await insertGenerations(ctx.store, many)).toEqual({ inserted: 0, skipped: 10_050 });
    expect(await spend("proj_big")).toEqual({ requests: 10_050, costNanos: 10_050n });
  });

  it("reconcileRollups repairs double counts that skipping could not prevent", async () => {
    // proj_dup3 carries one final generation counted twice (the second writer above).
    const result = await reconcileRollups(ctx.store, { ...DAY, projectId: "proj_dup3" });
    expect(result.generations).toBe(1);
    expect(await spend("proj_dup3")).toEqual({ requests: 1, costNanos: 3_000n });
    expect(await spend("proj_dup2")).toEqual({ requests: 2, costNanos: 2_005n });
    // Reconciling again (everything) changes nothing.
    await reconcileRollups(ctx.store, DAY);
    expect(await spend("proj_dup3")).toEqual({ requests: 1, costNanos: 3_000n });
    expect(await spend("proj_dup2")).toEqual({ requests: 2, costNanos: 2_005n });
    expect(await spend("proj_full")).toEqual({ requests: 1, costNanos: 9_007_199_254_740_991n });
  });

  it("reads columns changed by a mutation (record_json is recomputed from them)", async () => {
    const g = makeGeneration({ projectId: "proj_mut", cost: { total: 5 } });
    await insertGenerations(ctx.store, [g]);
    await execute(
      ctx.store,
      "ALTER TABLE generations UPDATE cost_total = 42, model = 'repriced' WHERE id = {id:String} SETTINGS mutations_sync = 2",
      { id: g.id },
    );
    const read = await getGeneration(ctx.store, g.id);
    expect(read?.cost?.total).toBe(42);
    expect(read?.model).toBe("repriced");
  });

  it("names the invalid record and field", async () => {
    const bad = { ...makeGeneration(), startedAt: "not a date" } as unknown as Generation;
    await expect(insertGenerations(ctx.store, [makeGeneration(), bad])).rejects.toThrow(InvalidInputError);
    await expect(insertGenerations(ctx.store, [makeGeneration(), bad])).rejects.toThrow(
      /generations\[1\]\.startedAt/,
    );
  });
});

describe("markAbandoned", () => {
  it("marks old pending generations without a final record, and a late final record still wins", async () => {
    const old = new Date("2026-11-04T00:00:00Z");
    const stale = makeGeneration({ projectId: "proj_ab", status: "pending", startedAt: old });
    const finished = makeGeneration({ projectId: "proj_ab", status: "pending", startedAt: old });
    const fresh = makeGeneration({
      projectId: "proj_ab",
      status: "pending",
      startedAt: new Date("2026-11-05T00:00:00Z"),
    });
    await insertGenerations(ctx.store, [stale, finished, fresh]);
    await insertGenerations(ctx.store, [
      { ...finished, status: "complete", cost: { ...zeroCost, total: 10 } },
    ]);

    // `since` keeps the pending record of the dedup test above (started 2026-11-02) out of scope.
    const window = { olderThan: new Date("2026-11-04T12:00:00Z"), since: new Date("2026-11-03T00:00:00Z") };
    expect(await markAbandoned(ctx.store, window)).toBe(1);
    expect((await getGeneration(ctx.store, stale.id))?.status).toBe("abandoned");
    expect((await getGeneration(ctx.store, finished.id))?.status).toBe("complete");
    expect((await getGeneration(ctx.store, fresh.id))?.status).toBe("pending");
    expect(await markAbandoned(ctx.store, window)).toBe(0);

    // The real outcome arrives late: it replaces `abandoned` and is counted once.
    const late = { ...stale, status: "complete" as const, cost: { ...zeroCost, total: 77 } };
    expect(await insertGenerations(ctx.store, [late])).toEqual({ inserted: 1, skipped: 0 });
    expect(await getGeneration(ctx.store, stale.id)).toEqual(late);
    expect(await insertGenerations(ctx.store, [{ ...stale, status: "abandoned" }])).toEqual({
      inserted: 0,
      skipped: 1,
    });
    expect(await spend("proj_ab")).toEqual({ requests: 2, costNanos: 87n });
  });
});

const zeroCost = { total: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, image: 0 };
