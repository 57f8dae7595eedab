import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ATTR, Generation } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/services.ts";
import { applyCost, catalogPricer, defaultPricer, noUsageWarning } from "./cost.ts";
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

  describe("usage that was never reported", () => {
    const none = { reported: false, calls: 1, callsWithoutUsage: 1 };
    const noUsage = (status: "complete" | "error" | "aborted" | "pending") =>
      Generation.parse({
        id: "g2",
        projectId: "p",
        status,
        provider: "openai",
        model: "gpt-4o-mini",
        startedAt: new Date("2025-07-01T00:00:00Z"),
      });

    it("leaves an aborted, failed or complete generation without usage unpriced with a warning, never 0", () => {
      for (const status of ["aborted", "error", "complete"] as const) {
        const generation = noUsage(status);
        const notes = new IngestNotes();
        applyCost(generation, Object.create(null), defaultPricer, notes, none);
        expect(generation, status).toMatchObject({ cost: null, unpriced: true, priceEntry: "" });
        expect(generation.warnings, status).toEqual([noUsageWarning(status)]);
        // Only a complete call without counts is something for the sender to fix.
        expect(notes.message() !== "", status).toBe(status === "complete");
      }
      expect(noUsageWarning("aborted")).toBe(
        "no token usage reported (aborted before the provider sent usage): cost unknown",
      );
    });

    it("prices usage reported as 0 at 0: that is a measurement", () => {
      const generation = noUsage("aborted");
      applyCost(generation, Object.create(null), defaultPricer, new IngestNotes(), {
        reported: true,
        calls: 0,
        callsWithoutUsage: 0,
      });
      expect(generation.unpriced).toBe(false);
      expect(generation.cost?.total).toBe(0);
      expect(generation.priceEntry).toMatch(/gpt-4o-mini/);
      expect(generation.warnings).toEqual([]);
    });

    it("keeps a cache hit at 0, pending uncosted, and the call-time cost of the span", () => {
      const hit = { ...noUsage("complete"), cacheHit: true };
      applyCost(hit, Object.create(null), defaultPricer, new IngestNotes(), none);
      expect(hit).toMatchObject({ unpriced: false, cost: { total: 0 }, warnings: [] });
      const pending = noUsage("pending");
      applyCost(pending, Object.create(null), defaultPricer, new IngestNotes(), none);
      expect(pending).toMatchObject({ unpriced: false, cost: null, warnings: [] });
      const priced = noUsage("aborted");
      const attrs = Object.assign(Object.create(null), { [ATTR.costTotal]: 42, [ATTR.costInput]: 42 });
      applyCost(priced, attrs, defaultPricer, new IngestNotes(), none);
      expect(priced).toMatchObject({ unpriced: false, cost: { total: 42, input: 42 } });
    });

    it("warns that a cost summed from some provider calls only is a lower bound", () => {
      const generation = { ...noUsage("aborted"), usage: { ...noUsage("aborted").usage, inputTokens: 1000 } };
      applyCost(generation, Object.create(null), defaultPricer, new IngestNotes(), {
        reported: true,
        calls: 2,
        callsWithoutUsage: 1,
      });
      expect(generation.cost?.total).toBe(150_000); // gpt-4o-mini: $0.15 / M input
      expect(generation.warnings).toHaveLength(1);
      expect(generation.warnings[0]).toContain("1 of 2 provider calls");
    });
  });
});
