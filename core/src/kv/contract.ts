import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KvStore } from "./types.ts";

/** A store under test and a way to wait for real time (expiry) to pass. */
export interface KvStoreFixture {
  store: KvStore;
  /** Lets `ms` of store time pass (a fake clock, or a real wait). */
  advance: (ms: number) => Promise<void>;
  cleanup?: () => Promise<void>;
}

let counter = 0;
const fresh = (name: string) => `kv-test:${process.pid}:${Date.now()}:${++counter}:${name}`;

/**
 * The behaviour every {@link KvStore} shares, run against each implementation so they cannot drift.
 * `open` runs once per file; `skip` skips the suite (a service that is absent outside CI).
 */
export function describeKvStore(name: string, open: () => Promise<KvStoreFixture>, skip = false): void {
  describe.skipIf(skip)(`${name} key-value store`, () => {
    let fx: KvStoreFixture;
    beforeAll(async () => {
      fx = await open();
    });
    afterAll(async () => {
      await fx?.store.close();
      await fx?.cleanup?.();
    });

    it("returns null for a missing key and keeps string values exactly", async () => {
      const key = fresh("get");
      expect(await fx.store.get(key)).toBeNull();
      for (const value of ['{"a":1}', "123", "", "héllo ✓", "null"]) {
        expect(await fx.store.set(key, value)).toBe(true);
        expect(await fx.store.get(key)).toBe(value);
      }
    });

    it("set with nx only writes the first time", async () => {
      const key = fresh("nx");
      expect(await fx.store.set(key, "first", { nx: true, ttlSeconds: 60 })).toBe(true);
      expect(await fx.store.set(key, "second", { nx: true })).toBe(false);
      expect(await fx.store.get(key)).toBe("first");
    });

    it("expires keys after ttlSeconds", async () => {
      const key = fresh("ttl");
      const kept = fresh("kept");
      await fx.store.set(key, "v", { ttlSeconds: 1 });
      await fx.store.set(kept, "v");
      await fx.advance(1_200);
      expect(await fx.store.get(key)).toBeNull();
      expect(await fx.store.get(kept)).toBe("v");
      // After expiry, nx may write again.
      expect(await fx.store.set(key, "again", { nx: true })).toBe(true);
    });

    it("incrBy creates counters at zero, adds and subtracts integers", async () => {
      const key = fresh("incr");
      expect(await fx.store.incrBy(key, 5)).toBe(5);
      expect(await fx.store.incrBy(key, 1_000_000_000_000)).toBe(1_000_000_000_005);
      expect(await fx.store.incrBy(key, -6)).toBe(999_999_999_999);
      expect(await fx.store.get(key)).toBe("999999999999");
    });

    it("incrBy gives the expiry to a new counter only", async () => {
      const key = fresh("incr-ttl");
      await fx.store.incrBy(key, 1, { ttlSeconds: 1 });
      // A later increment must not push the period's end back.
      await fx.store.incrBy(key, 1, { ttlSeconds: 100 });
      expect(await fx.store.get(key)).toBe("2");
      await fx.advance(1_200);
      expect(await fx.store.get(key)).toBeNull();
      expect(await fx.store.incrBy(key, 3, { ttlSeconds: 100 })).toBe(3);
    });

    it("del removes a key, missing or not", async () => {
      const key = fresh("del");
      await fx.store.set(key, "v");
      await fx.store.del(key);
      await fx.store.del(key);
      expect(await fx.store.get(key)).toBeNull();
    });

    it("rejects bad arguments with errors naming them", async () => {
      await expect(fx.store.get("")).rejects.toThrow(/key must be a non-empty string/);
      await expect(fx.store.incrBy(fresh("bad"), 1.5)).rejects.toThrow(/safe integer/);
      await expect(fx.store.set(fresh("bad"), "v", { ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
      const text = fresh("text");
      await fx.store.set(text, "not a number");
      await expect(fx.store.incrBy(text, 1)).rejects.toThrow();
    });
  });
}
