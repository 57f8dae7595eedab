import { Generation, type GenerationInput } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertGenerations } from "../generations.ts";
import { unpricedModels } from "./signals.ts";
import type { AnalyticsStore } from "./sql.ts";
import { openTestStore } from "./test-db.ts";

let store: AnalyticsStore;
let cleanup: () => Promise<void>;
const start = Date.UTC(2026, 4, 1);
const MINUTE = 60_000;

function gen(id: string, fields: Partial<GenerationInput>): Generation {
  return Generation.parse({
    id,
    projectId: "p1",
    status: "complete",
    startedAt: new Date(start + Number(id.replace(/\D/g, "")) * MINUTE),
    ...fields,
  });
}

/** A final generation whose spans reported no usage (as the collector records it): cost unknown. */
function noUsage(id: string, fields: Partial<GenerationInput>): Generation {
  return gen(id, {
    status: "aborted",
    cost: null,
    unpriced: true,
    priceEntry: "",
    warnings: ["no token usage reported (aborted before the provider sent usage): cost unknown"],
    ...fields,
  });
}

beforeAll(async () => {
  ({ store, cleanup } = await openTestStore());
  await insertGenerations(store, [
    // A priced model: ordinary calls, plus aborted and failed calls that never reported usage.
    gen("a1", {
      provider: "openai",
      model: "gpt-4o",
      usage: { inputTokens: 100, outputTokens: 10 },
      cost: { total: 350, input: 250, output: 100 },
      priceEntry: "openai/gpt-4o@2024-08-06",
    }),
    noUsage("a2", { provider: "openai", model: "gpt-4o" }),
    noUsage("a3", { provider: "openai", model: "gpt-4o", status: "error", error: "socket hang up" }),
    // A model without a price entry: its calls reported usage the catalog could not price.
    gen("b1", {
      provider: "newco",
      model: "mystery-1",
      usage: { inputTokens: 50, outputTokens: 5 },
      unpriced: true,
    }),
    gen("b2", {
      provider: "newco",
      model: "mystery-1",
      usage: { inputTokens: 60, outputTokens: 6 },
      unpriced: true,
    }),
    noUsage("b3", { provider: "newco", model: "mystery-1" }),
    // An unpriced image model: images but no tokens still count as usage.
    gen("c1", { provider: "newco", model: "painter-1", usage: { images: 2 }, unpriced: true }),
    // Only no-usage calls of a priced model in another project.
    noUsage("d1", { projectId: "p2", provider: "anthropic", model: "claude-sonnet-4" }),
  ]);
});
afterAll(async () => cleanup());

describe("unpricedModels", () => {
  it("lists models lacking a price, not priced models whose calls reported no usage", async () => {
    const models = await unpricedModels(store, { from: new Date(start), to: new Date(start + 60 * MINUTE) });
    expect(models.map((m) => [`${m.provider}/${m.model}`, m.requests])).toEqual([
      ["newco/mystery-1", 2],
      ["newco/painter-1", 1],
    ]);
    expect(models[0]?.firstSeenAt).toEqual(new Date(start + MINUTE));
  });

  it("reports nothing for a project whose only unpriced calls reported no usage", async () => {
    expect(
      await unpricedModels(store, {
        projectId: "p2",
        from: new Date(start),
        to: new Date(start + 60 * MINUTE),
      }),
    ).toEqual([]);
  });
});
