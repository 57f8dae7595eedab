import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiKey, findApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";
import { InvalidInputError } from "./errors.ts";
import { getTraceSpans, insertSpans, type StoredSpan } from "./spans.ts";
import { queryRows } from "./sql.ts";
import { openTempStore } from "./test-store.ts";

let ctx: Awaited<ReturnType<typeof openTempStore>>;
beforeAll(async () => {
  ctx = await openTempStore();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe("api keys", () => {
  it("creates a key whose secret finds it, and stores only a hash", async () => {
    const { id, key } = await createApiKey(ctx.store, {
      projectId: "proj_a",
      name: "production ingest",
      scope: "ingest",
      createdBy: "ana@example.com",
    });
    expect(key).toMatch(/^glk_ingest_[A-Za-z0-9_-]{32}$/);
    expect(await findApiKey(ctx.store, key)).toEqual({
      id,
      projectId: "proj_a",
      scope: "ingest",
      name: "production ingest",
    });
    expect(await findApiKey(ctx.store, `${key}x`)).toBeNull();
    const stored = await queryRows(ctx.store, "SELECT * FROM api_keys", z.record(z.string(), z.unknown()));
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it("lists keys per project, newest first, and revokes them at once", async () => {
    const read = await createApiKey(ctx.store, {
      projectId: "proj_a",
      name: "dashboards",
      scope: "read",
      createdBy: "bo",
    });
    await createApiKey(ctx.store, { projectId: "proj_b", name: "other", scope: "ingest", createdBy: "bo" });
    const listed = await listApiKeys(ctx.store, { projectId: "proj_a" });
    expect(listed.map((k) => [k.name, k.scope, k.revokedAt])).toEqual([
      ["dashboards", "read", null],
      ["production ingest", "ingest", null],
    ]);
    expect(listed[0]?.prefix).toBe(read.key.slice(0, 14));
    expect(await listApiKeys(ctx.store)).toHaveLength(3);

    expect(await revokeApiKey(ctx.store, read.id)).toBe(true);
    expect(await findApiKey(ctx.store, read.key)).toBeNull();
    expect(await revokeApiKey(ctx.store, read.id)).toBe(false);
    expect(await revokeApiKey(ctx.store, "key_unknown")).toBe(false);
    const after = await listApiKeys(ctx.store, { projectId: "proj_a" });
    expect(after.find((k) => k.id === read.id)?.revokedAt).toBeInstanceOf(Date);
    expect(after).toHaveLength(2);
  });

  it("rejects a bad scope by name", async () => {
    await expect(
      createApiKey(ctx.store, { projectId: "p", name: "x", scope: "admin" as "read", createdBy: "" }),
    ).rejects.toThrow(InvalidInputError);
  });
});

describe("spans", () => {
  const span = (spanId: string, start: number, extra: Partial<StoredSpan> = {}): StoredSpan => ({
    projectId: "proj_a",
    traceId: "trace_1",
    spanId,
    parentSpanId: "",
    name: "ai.streamText",
    kind: "internal",
    startTime: new Date(Date.UTC(2026, 10, 2, 10, 0, 0, start)),
    endTime: new Date(Date.UTC(2026, 10, 2, 10, 0, 1, start)),
    statusCode: "ok",
    statusMessage: "",
    attributes: { "gen_ai.request.model": "gpt-4o", "quote'd": "a\nb" },
    generationId: "",
    ...extra,
  });

  it("returns every span of a trace once, by start time, even when re-delivered", async () => {
    const spans = [
      span("s2", 20, {
        parentSpanId: "s1",
        generationId: "gen_1",
        statusCode: "error",
        statusMessage: "boom",
      }),
      span("s1", 10),
      span("s3", 30, { parentSpanId: "s1", kind: "client" }),
    ];
    expect(await insertSpans(ctx.store, spans)).toEqual({ inserted: 3 });
    await insertSpans(ctx.store, [spans[0] as StoredSpan]);
    await insertSpans(ctx.store, [
      span("s9", 0, { traceId: "trace_2" }),
      span("s1", 0, { projectId: "proj_b" }),
    ]);
    expect(await getTraceSpans(ctx.store, "trace_1", { projectId: "proj_a" })).toEqual([
      spans[1],
      spans[0],
      spans[2],
    ]);
    expect(await getTraceSpans(ctx.store, "trace_1", { projectId: "proj_c" })).toEqual([]);
    expect(await getTraceSpans(ctx.store, "trace_1")).toHaveLength(4);
  });

  it("names a bad span", async () => {
    await expect(insertSpans(ctx.store, [{ ...span("s1", 0), statusCode: "weird" as "ok" }])).rejects.toThrow(
      /spans\[0\]\.statusCode/,
    );
  });
});
