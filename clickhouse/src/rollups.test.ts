import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors.ts";
import { insertGenerations } from "./generations.ts";
import { type SpendRow, spendRollup } from "./rollups.ts";
import { execute } from "./sql.ts";
import { makeGeneration, openTempStore } from "./test-store.ts";

let ctx: Awaited<ReturnType<typeof openTempStore>>;
const P = "proj_roll";
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  ctx = await openTempStore();
  await insertGenerations(ctx.store, [
    makeGeneration({
      projectId: P,
      userId: "ana",
      model: "gpt-4o",
      provider: "openai",
      functionId: "chat",
      startedAt: at("2026-11-02T10:15:00Z"),
      cost: { total: 4_000_000_000_000_000 },
      usage: {
        inputTokens: 10,
        outputTokens: 5,
        cacheReadTokens: 2,
        cacheWriteTokens: 1,
        reasoningTokens: 3,
        images: 0,
      },
    }),
    makeGeneration({
      projectId: P,
      userId: "ana",
      model: "gpt-4o",
      provider: "openai",
      functionId: "chat",
      startedAt: at("2026-11-02T10:45:00Z"),
      cost: { total: 4_000_000_000_000_000 },
    }),
    makeGeneration({
      projectId: P,
      userId: "ana",
      model: "gpt-4o",
      provider: "openai",
      functionId: "chat",
      startedAt: at("2026-11-02T11:05:00Z"),
      cost: { total: 3 },
      cacheHit: true,
      costSavedNanos: 40,
    }),
    makeGeneration({
      projectId: P,
      userId: "bo",
      model: "claude",
      provider: "anthropic",
      functionId: "summarise",
      startedAt: at("2026-11-03T09:00:00Z"),
      status: "error",
      cost: { total: 7 },
    }),
    makeGeneration({
      projectId: P,
      userId: "bo",
      model: "mystery",
      provider: "acme",
      functionId: "summarise",
      startedAt: at("2026-11-10T09:00:00Z"),
      unpriced: true,
      cost: null,
    }),
    makeGeneration({
      projectId: P,
      userId: "bo",
      model: "claude",
      provider: "anthropic",
      startedAt: at("2026-11-10T09:30:00Z"),
      status: "pending",
      cost: null,
    }),
    makeGeneration({
      projectId: "proj_else",
      userId: "ana",
      startedAt: at("2026-11-02T10:15:00Z"),
      cost: { total: 999 },
    }),
  ]);
});
afterAll(async () => {
  await ctx?.cleanup();
});

/** Rows by bucket, then by their group values (spendRollup orders by bucket only). */
function sorted(rows: SpendRow[]): SpendRow[] {
  const key = (r: SpendRow) =>
    [r.bucket.toISOString(), r.user, r.model, r.provider, r.function, r.status].join("\u0000");
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const range = { projectId: P, from: at("2026-11-01T00:00:00Z"), to: at("2026-12-01T00:00:00Z") };

describe("spendRollup", () => {
  it("answers an empty range with no rows, for every grouping", async () => {
    const empty = { projectId: P, from: at("2025-01-01T00:00:00Z"), to: at("2025-02-01T00:00:00Z") };
    expect(await spendRollup(ctx.store, { ...empty, bucket: "day", groupBy: [] })).toEqual([]);
    expect(await spendRollup(ctx.store, { ...empty, bucket: "hour", groupBy: ["user", "model"] })).toEqual(
      [],
    );
  });

  it("sums per hour with exact money beyond 2^53 nano-dollars", async () => {
    const rows = await spendRollup(ctx.store, { ...range, bucket: "hour", groupBy: [] });
    expect(rows.map((r) => [r.bucket.toISOString(), r.requests, r.costNanos])).toEqual([
      ["2026-11-02T10:00:00.000Z", 2, 8_000_000_000_000_000n],
      ["2026-11-02T11:00:00.000Z", 1, 3n],
      ["2026-11-03T09:00:00.000Z", 1, 7n],
      ["2026-11-10T09:00:00.000Z", 1, 0n],
    ]);
    expect(rows[0]).toMatchObject({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 2,
      cacheWriteTokens: 1,
      reasoningTokens: 3,
    });
    expect(rows[1]).toMatchObject({ cacheHits: 1, savedNanos: 40n });
    expect(rows[3]).toMatchObject({ unpricedRequests: 1 });
  });

  it("groups by day, week and month, from the daily or the hourly rollup alike", async () => {
    const byDay = sorted(
      await spendRollup(ctx.store, { ...range, bucket: "day", groupBy: ["user", "model"] }),
    );
    expect(
      byDay.map((r) => [r.bucket.toISOString().slice(0, 10), r.user, r.model, r.requests, r.costNanos]),
    ).toEqual([
      ["2026-11-02", "ana", "gpt-4o", 3, 8_000_000_000_000_003n],
      ["2026-11-03", "bo", "claude", 1, 7n],
      ["2026-11-10", "bo", "mystery", 1, 0n],
    ]);
    // Not day-aligned: served from the hourly rollup, same totals.
    const hourly = sorted(
      await spendRollup(ctx.store, {
        ...range,
        from: at("2026-11-01T01:00:00Z"),
        bucket: "day",
        groupBy: ["user", "model"],
      }),
    );
    expect(hourly).toEqual(byDay);

    const byWeek = sorted(
      await spendRollup(ctx.store, { ...range, bucket: "week", groupBy: ["provider", "function", "status"] }),
    );
    expect(
      byWeek.map((r) => [r.bucket.toISOString().slice(0, 10), r.provider, r.function, r.status, r.requests]),
    ).toEqual([
      ["2026-11-02", "anthropic", "summarise", "error", 1],
      ["2026-11-02", "openai", "chat", "complete", 3],
      ["2026-11-09", "acme", "summarise", "complete", 1],
    ]);
    const byMonth = await spendRollup(ctx.store, { ...range, bucket: "month", groupBy: [] });
    expect(byMonth).toHaveLength(1);
    expect(byMonth[0]).toMatchObject({ requests: 5, costNanos: 8_000_000_000_000_010n, unpricedRequests: 1 });
    expect(byMonth[0]).not.toHaveProperty("user");
  });

  it("adds up the rollup rows of one user group exactly (rows read in key order), across projects", async () => {
    // Separate inserts leave separate rollup rows until a merge; other functions and statuses too.
    const users = ["", "ünï ✓", 'o\'brien "q"', "tab\tnew\nline"];
    const MAX = Number.MAX_SAFE_INTEGER;
    const day = at("2026-12-07T00:00:00Z");
    const batches = [
      { projectId: "proj_sorted", functionId: "chat", status: "complete" as const, total: MAX },
      { projectId: "proj_sorted", functionId: "search", status: "error" as const, total: MAX },
      { projectId: "proj_sorted_2", functionId: "chat", status: "complete" as const, total: 0 },
    ];
    for (const [b, batch] of batches.entries()) {
      await insertGenerations(
        ctx.store,
        users.map((userId, u) =>
          makeGeneration({
            projectId: batch.projectId,
            userId,
            model: "gpt-4o",
            provider: "openai",
            functionId: batch.functionId,
            status: batch.status,
            startedAt: new Date(day.getTime() + (u * 3 + b) * 60_000 + 3_600_000),
            cost: { total: batch.total },
            usage: {
              inputTokens: 10 + b,
              outputTokens: 1,
              cacheReadTokens: 0,
              cacheWriteTokens: 0,
              reasoningTokens: 0,
              images: 0,
            },
          }),
        ),
      );
    }
    const expected = users.map((user) => ({
      bucket: day,
      user,
      model: "gpt-4o",
      requests: 3,
      inputTokens: 33,
      costNanos: 2n * BigInt(MAX),
    }));
    const window = { from: day, to: at("2026-12-08T00:00:00Z") };
    const perDay = await spendRollup(ctx.store, { ...window, bucket: "day", groupBy: ["model", "user"] });
    expect(sorted(perDay)).toMatchObject(sorted(expected as SpendRow[]));
    expect(perDay).toHaveLength(users.length);
    // The hourly rollup, grouped by hour: the same sums, one hour.
    const perHour = await spendRollup(ctx.store, {
      ...window,
      from: at("2026-12-07T01:00:00Z"),
      bucket: "hour",
      groupBy: ["user"],
    });
    expect(perHour.map((r) => [r.bucket.toISOString(), r.user, r.requests, r.costNanos]).sort()).toEqual(
      users.map((user) => ["2026-12-07T01:00:00.000Z", user, 3, 2n * BigInt(MAX)]).sort(),
    );
    // One project only: its two rows per user.
    const one = await spendRollup(ctx.store, {
      ...window,
      projectId: "proj_sorted",
      bucket: "day",
      groupBy: ["user"],
    });
    expect(one.map((r) => r.requests)).toEqual([2, 2, 2, 2]);
    // ClickHouse's own aggregation (a coarser bucket) agrees.
    const perWeek = await spendRollup(ctx.store, { ...window, bucket: "week", groupBy: ["user", "model"] });
    expect(sorted(perWeek).map((r) => [r.user, r.requests, r.inputTokens, r.costNanos])).toEqual(
      sorted(perDay).map((r) => [r.user, r.requests, r.inputTokens, r.costNanos]),
    );
  });

  it("builds rows with exactly the grouped fields, counters past 2^31 and sums across result blocks", async () => {
    const day = at("2026-12-14T00:00:00Z");
    const projectId = "proj_blocks";
    const BIG = 3_000_000_000; // past 2^31: not a small integer in V8
    // 3 inserts of 3,000 users: per user and day, 3 rollup rows to add up; more rows than one block.
    for (let b = 0; b < 3; b++) {
      await insertGenerations(
        ctx.store,
        Array.from({ length: 3000 }, (_, u) =>
          makeGeneration({
            projectId,
            userId: `u${String(u).padStart(4, "0")}`,
            model: u % 2 ? "gpt-4o" : "claude",
            provider: "p",
            functionId: `f${b}`,
            startedAt: new Date(day.getTime() + u * 1000 + b),
            cost: { total: u + 1 },
            cacheHit: b === 0 && u === 7,
            costSavedNanos: b === 0 && u === 7 ? 5 : 0,
            usage: {
              inputTokens: u === 0 ? BIG : 1,
              outputTokens: b,
              cacheReadTokens: 0,
              cacheWriteTokens: 0,
              reasoningTokens: 0,
              images: 0,
            },
          }),
        ),
      );
    }
    const rows = await spendRollup(ctx.store, {
      projectId,
      from: day,
      to: at("2026-12-15T00:00:00Z"),
      bucket: "day",
      groupBy: ["user", "model"],
    });
    expect(rows).toHaveLength(3000);
    const byUser = new Map(rows.map((r) => [r.user, r]));
    expect(byUser.get("u0000")).toEqual({
      bucket: day,
      user: "u0000",
      model: "claude",
      requests: 3,
      inputTokens: 3 * BIG,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costNanos: 3n,
      unpricedRequests: 0,
      cacheHits: 0,
      savedNanos: 0n,
    });
    expect(byUser.get("u0007")).toMatchObject({
      model: "gpt-4o",
      costNanos: 24n,
      cacheHits: 1,
      savedNanos: 5n,
    });
    for (const [u, row] of [...byUser.values()].entries()) {
      expect(Object.keys(row).sort()).toEqual(
        [
          "bucket",
          "user",
          "model",
          "requests",
          "inputTokens",
          "outputTokens",
          "cacheReadTokens",
          "cacheWriteTokens",
          "reasoningTokens",
          "costNanos",
          "unpricedRequests",
          "cacheHits",
          "savedNanos",
        ].sort(),
      );
      if (u > 0) expect(row).toMatchObject({ requests: 3, inputTokens: 3, costNanos: BigInt(3 * (u + 1)) });
    }
    // One Date per bucket, shared.
    expect(new Set(rows.map((r) => r.bucket)).size).toBe(1);
    // Merged, each group is one rollup row, made into its row without the running sums: the same
    // rows (u0000's 9e9 tokens still force the wide read).
    await execute(ctx.store, "OPTIMIZE TABLE generation_rollups_user_model_daily FINAL");
    const merged = await spendRollup(ctx.store, {
      projectId,
      from: day,
      to: at("2026-12-15T00:00:00Z"),
      bucket: "day",
      groupBy: ["user", "model"],
    });
    expect(new Map(merged.map((r) => [r.user, r]))).toEqual(byUser);
    // A group of one row with a counter past 2^31 and money past 2^53 (and 0 saved), exact.
    // (One insert: the view adds the two generations of "solo" into one rollup row.)
    const MAX = Number.MAX_SAFE_INTEGER;
    await insertGenerations(ctx.store, [
      ...[BIG, 1].map((inputTokens) =>
        makeGeneration({
          projectId: "proj_blocks_single",
          userId: "solo",
          model: "m",
          startedAt: day,
          cost: { total: MAX },
          usage: { inputTokens, outputTokens: 1 },
        }),
      ),
      makeGeneration({ projectId: "proj_blocks_single", userId: "zed", model: "m", startedAt: day }),
    ]);
    const single = await spendRollup(ctx.store, {
      projectId: "proj_blocks_single",
      from: day,
      to: at("2026-12-15T00:00:00Z"),
      bucket: "day",
      groupBy: ["user", "model"],
    });
    expect(single[0]).toMatchObject({
      user: "solo",
      requests: 2,
      inputTokens: BIG + 1,
      costNanos: 2n * BigInt(MAX),
      savedNanos: 0n,
    });
    expect(single).toHaveLength(2);
    const byModel = await spendRollup(ctx.store, {
      projectId,
      from: day,
      to: at("2026-12-15T00:00:00Z"),
      bucket: "day",
      groupBy: ["model"],
    });
    expect(Object.keys(byModel[0] as SpendRow)).not.toContain("user");
    expect(byModel.reduce((n, r) => n + r.requests, 0)).toBe(9000);

    // A rollup row past 2^32 - 1 tokens: the narrow read is repeated wide, exact.
    const huge = 2 ** 32 + 5;
    await insertGenerations(
      ctx.store,
      [0, 1].map((k) =>
        makeGeneration({
          projectId: "proj_blocks_huge",
          userId: "whale",
          functionId: `f${k}`,
          startedAt: new Date(day.getTime() + k),
          cost: { total: 1 },
          usage: {
            inputTokens: huge,
            outputTokens: 2 ** 32 - 1,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
            images: 0,
          },
        }),
      ),
    );
    const whale = await spendRollup(ctx.store, {
      projectId: "proj_blocks_huge",
      from: day,
      to: at("2026-12-15T00:00:00Z"),
      bucket: "day",
      groupBy: ["user"],
    });
    expect(whale).toEqual([
      expect.objectContaining({
        user: "whale",
        requests: 2,
        inputTokens: 2 * huge,
        outputTokens: 2 * (2 ** 32 - 1),
        costNanos: 2n,
      }),
    ]);
  });

  it("covers all projects without projectId, and rejects bad input by name", async () => {
    const all = await spendRollup(ctx.store, {
      from: range.from,
      to: range.to,
      bucket: "month",
      groupBy: [],
    });
    expect(all[0]?.costNanos).toBe(8_000_000_000_000_010n + 999n);
    await expect(spendRollup(ctx.store, { ...range, bucket: "year" as "day", groupBy: [] })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(
      spendRollup(ctx.store, { ...range, bucket: "day", groupBy: ["team" as "user"] }),
    ).rejects.toThrow(/groupBy/);
    await expect(
      spendRollup(ctx.store, { ...range, to: range.from, bucket: "day", groupBy: [] }),
    ).rejects.toThrow(/from/);
  });
});
