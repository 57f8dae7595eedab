import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Generation } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/services.ts";
import { applyCost, catalogPricer, defaultPricer } from "./cost.ts";
import { IngestNotes } from "./notes.ts";

function generation(model: string, at: string) {
  return Generation.parse({
    id: "g1",
    projectId: "p",
    status: "complete",
    provider: "acme",
    model,
    startedAt: new Date(at),
    usage: { inputTokens: 2_000_000, outputTokens: 1_000_000 },
  });
}

describe("cost", () => {
  it("prices with the deployment's overrides file, at the generation's start time", () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "prices.json");
      writeFileSync(
        file,
        JSON.stringify([
          {
            id: "acme/llm@2025-01-01",
            provider: "acme",
            match: ["acme-llm"],
            input: "1.00",
            output: "2.00",
            effectiveFrom: "2025-01-01",
          },
          {
            id: "acme/llm@2025-06-01",
            provider: "acme",
            match: ["acme-llm"],
            input: "0.50",
            output: "1.00",
            effectiveFrom: "2025-06-01",
          },
        ]),
      );
      const pricer = catalogPricer({ overridesFile: file, env: {} });
      const early = generation("acme-llm", "2025-03-01T00:00:00Z");
      applyCost(early, Object.create(null), pricer, new IngestNotes());
      expect(early.cost?.total).toBe(4_000_000_000);
      expect(early.priceEntry).toBe("acme/llm@2025-01-01");
      const late = generation("acme-llm", "2025-07-01T00:00:00Z");
      applyCost(late, Object.create(null), pricer, new IngestNotes());
      expect(late.cost?.total).toBe(2_000_000_000);
      expect(late.priceEntry).toBe("acme/llm@2025-06-01");
      // Without the overrides the model is unknown: unpriced, never 0.
      const builtIn = generation("acme-llm", "2025-07-01T00:00:00Z");
      applyCost(builtIn, Object.create(null), defaultPricer, new IngestNotes());
      expect(builtIn).toMatchObject({ unpriced: true, cost: null, priceEntry: "" });
    } finally {
      dir.remove();
    }
  });

  it("keeps pending records without cost and prices a cache hit at zero", () => {
    const pending = { ...generation("gpt-4o", "2025-07-01T00:00:00Z"), status: "pending" as const };
    applyCost(pending, Object.create(null), defaultPricer, new IngestNotes());
    expect(pending.cost).toBeNull();
    const hit = { ...generation("gpt-4o", "2025-07-01T00:00:00Z"), cacheHit: true };
    applyCost(hit, Object.create(null), defaultPricer, new IngestNotes());
    expect(hit.cost?.total).toBe(0);
    expect(hit.unpriced).toBe(false);
  });
});
