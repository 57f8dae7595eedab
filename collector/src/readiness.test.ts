import { describe, expect, it } from "vitest";
import { pingReadiness, spoolReadiness } from "./readiness.ts";

describe("readiness checks", () => {
  it("reports the spool not ready from 90% of its limit", async () => {
    const stats = { bytes: 80, oldestAgeMs: 3000 };
    const check = spoolReadiness({ stats: () => stats }, 100);
    expect(await check.check()).toEqual({ ok: true, detail: "80 of 100 bytes (80.0%), oldest record 3 s" });
    stats.bytes = 95;
    expect((await check.check()).ok).toBe(false);
  });

  it("reports a dependency that does not answer", async () => {
    expect(await pingReadiness("store", async () => ({ success: true })).check()).toEqual({
      ok: true,
      detail: "",
    });
    expect(
      await pingReadiness("store", async () => ({
        success: false,
        error: new Error("ECONNREFUSED"),
      })).check(),
    ).toEqual({
      ok: false,
      detail: "Error: ECONNREFUSED",
    });
  });
});
