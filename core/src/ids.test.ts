import { describe, expect, it } from "vitest";
import { deriveGenerationId, isValidGenerationId, newGenerationId } from "./ids.ts";

describe("generation IDs", () => {
  it("makes distinct, valid 21-character IDs", () => {
    const ids = new Set(Array.from({ length: 1000 }, newGenerationId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toHaveLength(21);
      expect(isValidGenerationId(id)).toBe(true);
    }
  });

  it("derives the same ID from the same trace and span, case-insensitively", () => {
    const a = deriveGenerationId("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
    expect(deriveGenerationId("0AF7651916CD43DD8448EB211C80319C", "B7AD6B7169203331")).toBe(a);
    expect(deriveGenerationId("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203332")).not.toBe(a);
    expect(isValidGenerationId(a)).toBe(true);
  });

  it("rejects IDs that could escape a path or a query", () => {
    expect(isValidGenerationId("../etc/passwd")).toBe(false);
    expect(isValidGenerationId("a b")).toBe(false);
    expect(isValidGenerationId("")).toBe(false);
  });
});
