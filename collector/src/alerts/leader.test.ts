import { createMemoryKvStore } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { createLeaderLock } from "./leader.ts";

describe("createLeaderLock", () => {
  it("lets one holder in, renews it, and hands over on release", async () => {
    const kv = createMemoryKvStore();
    const a = createLeaderLock({ kv, owner: "a", ttlSeconds: 60 });
    const b = createLeaderLock({ kv, owner: "b", ttlSeconds: 60 });
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true); // renewal
    await b.release(); // not the holder: no effect
    expect(await b.acquire()).toBe(false);
    await a.release();
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);
    await kv.close();
  });

  it("takes over after the lease expires", async () => {
    const kv = createMemoryKvStore();
    const a = createLeaderLock({ kv, owner: "a", ttlSeconds: 1 });
    const b = createLeaderLock({ kv, owner: "b", ttlSeconds: 1 });
    expect(await a.acquire()).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);
    await kv.close();
  });

  it("rejects a bad ttl", () => {
    expect(() => createLeaderLock({ kv: createMemoryKvStore(), ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});
