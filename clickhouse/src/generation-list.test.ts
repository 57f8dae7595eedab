import type { Generation } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors.ts";
import { type GenerationFilter, type GenerationSort, listGenerations } from "./generation-list.ts";
import { insertGenerations } from "./generations.ts";
import { makeGeneration, openTempStore } from "./test-store.ts";

let ctx: Awaited<ReturnType<typeof openTempStore>>;
const all: Generation[] = [];
const P = "proj_list";
const T0 = Date.parse("2026-11-10T00:00:00Z");

beforeAll(async () => {
  ctx = await openTempStore();
  const models = ["gpt-4o", "claude-sonnet", "gemini-pro"];
  for (let i = 0; i < 47; i++) {
    const status = i % 10 === 9 ? "error" : i % 10 === 8 ? "pending" : "complete";
    all.push(
      makeGeneration({
        id: `gen_list_${String(i).padStart(3, "0")}`,
        projectId: P,
        status,
        userId: `user_${i % 4}`,
        model: models[i % 3],
        provider: i % 3 === 1 ? "anthropic" : i % 3 === 2 ? "google" : "openai",
        functionId: i % 2 === 0 ? "summarise" : "chat",
        tags: i % 5 === 0 ? ["vip", "beta"] : ["beta"],
        // Several generations share a start time and a cost, so ties must be broken by id.
        startedAt: new Date(T0 + Math.floor(i / 3) * 60_000),
        cost: status === "pending" ? null : { total: (i % 7) * 1_000 },
        latencyMs: status === "pending" ? null : 100 + (i % 6) * 50,
        prompt: {
          system: "",
          tools: [],
          messages: [
            {
              role: "user",
              parts: [{ type: "text", content: i === 11 ? "Where is my REFUND?" : `question ${i}` }],
            },
          ],
        },
        output: {
          messages:
            i === 23
              ? [{ role: "assistant", parts: [{ type: "text", content: "Your Refund is on its way" }] }]
              : [],
        },
      }),
    );
  }
  // Insert the pending versions first, then the final ones in another batch: the list must show each once.
  await insertGenerations(
    ctx.store,
    all.map((g) => ({ ...g, status: "pending" as const, cost: null, latencyMs: null })),
  );
  await insertGenerations(
    ctx.store,
    all.filter((g) => g.status !== "pending"),
  );
  // Another project, same minute: never shows up in proj_list listings.
  await insertGenerations(ctx.store, [makeGeneration({ projectId: "proj_other", startedAt: new Date(T0) })]);
});
afterAll(async () => {
  await ctx?.cleanup();
});

async function everything(filter: GenerationFilter): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result = await listGenerations(ctx.store, { projectId: P, ...filter, cursor });
    ids.push(...result.items.map((g) => g.id));
    if (!result.nextCursor) return ids;
    expect(result.items).toHaveLength(filter.limit ?? 50);
    cursor = result.nextCursor;
  }
  throw new Error("paging did not end");
}

function expected(sort: GenerationSort, keep: (g: Generation) => boolean = () => true): string[] {
  const key = (g: Generation): number =>
    sort === "cost" ? (g.cost?.total ?? 0) : sort === "latency" ? (g.latencyMs ?? 0) : g.startedAt.getTime();
  const desc = sort !== "oldest";
  return all
    .filter(keep)
    .sort((a, b) => {
      const byKey = key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return desc ? -byKey : byKey;
    })
    .map((g) => g.id);
}

describe("listGenerations paging", () => {
  for (const sort of ["newest", "oldest", "cost", "latency"] as const) {
    it(`returns every row exactly once, in ${sort} order, across pages of 10`, async () => {
      expect(await everything({ sort, limit: 10 })).toEqual(expected(sort));
    });
  }

  it("shows each generation once, in its latest state, with list previews and without bodies", async () => {
    const { items, nextCursor } = await listGenerations(ctx.store, { projectId: P, limit: 50 });
    expect(nextCursor).toBeNull();
    expect(items.map((g) => g.id).sort()).toEqual(all.map((g) => g.id).sort());
    const byId = new Map(items.map((g) => [g.id, g]));
    for (const g of all) expect(byId.get(g.id)?.status).toBe(g.status);
    const item = byId.get("gen_list_011");
    expect(item?.promptPreview).toBe("Where is my REFUND?");
    expect(item).not.toHaveProperty("prompt");
    expect(item?.cost?.total).toBe(4_000);
  });

  it("rejects a cursor from another sort and a bad limit", async () => {
    const first = await listGenerations(ctx.store, { projectId: P, sort: "cost", limit: 5 });
    await expect(
      listGenerations(ctx.store, { projectId: P, sort: "newest", cursor: first.nextCursor }),
    ).rejects.toThrow(InvalidInputError);
    await expect(listGenerations(ctx.store, { projectId: P, limit: 0 })).rejects.toThrow(/limit/);
  });
});

describe("listGenerations filters", () => {
  const cases: Array<[string, GenerationFilter, (g: Generation) => boolean]> = [
    ["user", { userId: "user_2" }, (g) => g.userId === "user_2"],
    ["model", { model: "claude-sonnet" }, (g) => g.model === "claude-sonnet"],
    ["provider", { provider: "google" }, (g) => g.provider === "google"],
    ["status", { status: "error" }, (g) => g.status === "error"],
    ["pending status", { status: "pending" }, (g) => g.status === "pending"],
    ["function", { functionId: "summarise" }, (g) => g.functionId === "summarise"],
    ["tag", { tag: "vip" }, (g) => g.tags.includes("vip")],
    [
      "time range",
      { from: new Date(T0 + 5 * 60_000), to: new Date(T0 + 9 * 60_000) },
      (g) => g.startedAt.getTime() >= T0 + 5 * 60_000 && g.startedAt.getTime() < T0 + 9 * 60_000,
    ],
    [
      "cost range",
      { minCostNanos: 2_000, maxCostNanos: 4_000n },
      (g) => g.cost !== null && g.cost.total >= 2_000 && g.cost.total <= 4_000,
    ],
    [
      "text in prompt or output, any case",
      { text: "rEfUnD" },
      (g) => g.id === "gen_list_011" || g.id === "gen_list_023",
    ],
    [
      "several at once",
      { userId: "user_1", model: "gpt-4o", status: "complete" },
      (g) => g.userId === "user_1" && g.model === "gpt-4o" && g.status === "complete",
    ],
  ];
  for (const [name, filter, keep] of cases) {
    it(`filters by ${name}`, async () => {
      const want = expected("newest", keep);
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(all.length);
      expect(await everything({ ...filter, limit: 4 })).toEqual(want);
    });
  }

  it("finds nothing for a text that is nowhere", async () => {
    expect((await listGenerations(ctx.store, { projectId: P, text: "no such words" })).items).toEqual([]);
  });

  it("never shows a superseded row, even when hundreds of them come first", async () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      makeGeneration({
        projectId: "proj_stale",
        startedAt: new Date(T0 - 86_400_000 + i),
        cost: { total: i },
      }),
    );
    await insertGenerations(
      ctx.store,
      many.map((g) => ({ ...g, status: "pending" as const, cost: null })),
    );
    await insertGenerations(ctx.store, many);
    const pending = await listGenerations(ctx.store, {
      projectId: "proj_stale",
      status: "pending",
      limit: 1,
    });
    expect(pending).toEqual({ items: [], nextCursor: null });
    const first = await listGenerations(ctx.store, { projectId: "proj_stale", limit: 3 });
    expect(first.items.map((g) => [g.id, g.status])).toEqual(
      [...many]
        .reverse()
        .slice(0, 3)
        .map((g) => [g.id, "complete"]),
    );
  });

  it("lists every project without projectId", async () => {
    const { items } = await listGenerations(ctx.store, { from: new Date(T0), to: new Date(T0 + 60_000) });
    expect(new Set(items.map((g) => g.projectId))).toEqual(new Set([P, "proj_other"]));
  });
});
