import { describe, expect, it } from "vitest";
import { describeKvStore } from "./contract.ts";
import { createKvStore } from "./index.ts";
import { createMemoryKvStore } from "./memory.ts";

let now = 1_700_000_000_000;
describeKvStore("memory", async () => ({
  store: createMemoryKvStore({ now: () => now }),
  advance: async (ms) => {
    now += ms;
  },
}));

describe("memory store housekeeping", () => {
  it("sweeps expired keys nobody reads again", async () => {
    let t = 0;
    const store = createMemoryKvStore({ now: () => t, sweepEvery: 10 });
    for (let i = 0; i < 9; i++) await store.set(`old:${i}`, "v", { ttlSeconds: 1 });
    t = 5_000;
    // The 10th write triggers the sweep; the new key survives it.
    await store.set("fresh", "v", { ttlSeconds: 1 });
    expect(await store.get("fresh")).toBe("v");
    await store.close();
    await expect(store.get("fresh")).rejects.toThrow(/closed/);
  });
});

describe("createKvStore", () => {
  it("defaults to memory and names unknown schemes", async () => {
    const store = createKvStore(undefined, {});
    await store.set("k", "v");
    expect(await store.get("k")).toBe("v");
    expect(() => createKvStore("postgres://x")).toThrow(/unsupported store URL scheme "postgres:"/);
    expect(() => createKvStore("not a url")).toThrow(/not a URL/);
  });

  it("requires Upstash credentials and reads them from the environment", () => {
    expect(() => createKvStore("upstash://", {})).toThrow(/UPSTASH_REDIS_REST_URL/);
    expect(() => createKvStore(undefined, { UPSTASH_REDIS_REST_URL: "https://x.upstash.io" })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN/,
    );
    expect(
      createKvStore(undefined, {
        UPSTASH_REDIS_REST_URL: "https://x.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "t",
      }),
    ).toBeDefined();
    expect(createKvStore("upstash://token@x.upstash.io", {})).toBeDefined();
  });
});
