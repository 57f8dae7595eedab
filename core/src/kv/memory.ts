import type { KvIncrOptions, KvSetOptions, KvStore } from "./types.ts";
import { checkIncr, checkKey, checkSet } from "./validate.ts";

interface Entry {
  value: string;
  /** Epoch ms; 0 = never. */
  expiresAt: number;
}

/** Options of {@link createMemoryKvStore}. */
export interface MemoryKvStoreOptions {
  /** Clock in epoch ms; tests move it to exercise expiry. Default `Date.now`. */
  now?: () => number;
  /** Expired keys are swept once the store holds this many entries since the last sweep. Default 10,000. */
  sweepEvery?: number;
}

/**
 * An in-process store with TTLs. The default: nothing to run, but nothing is shared between
 * processes, so budgets and the dedup cache only see this process's calls.
 */
export function createMemoryKvStore(options: MemoryKvStoreOptions = {}): KvStore {
  const now = options.now ?? Date.now;
  const sweepEvery = options.sweepEvery ?? 10_000;
  let entries = new Map<string, Entry>();
  let writesSinceSweep = 0;
  let closed = false;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== 0 && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  // Lazy expiry alone would keep keys nobody reads again (old budget periods): sweep now and then.
  const noteWrite = () => {
    if (++writesSinceSweep < sweepEvery) return;
    writesSinceSweep = 0;
    const t = now();
    for (const [key, entry] of entries)
      if (entry.expiresAt !== 0 && entry.expiresAt <= t) entries.delete(key);
  };
  const ensureOpen = () => {
    if (closed) throw new Error("kv: the memory store is closed");
  };

  return {
    async get(key: string) {
      ensureOpen();
      checkKey(key);
      return live(key)?.value ?? null;
    },
    async set(key: string, value: string, opts?: KvSetOptions) {
      ensureOpen();
      checkSet(key, value, opts);
      if (opts?.nx && live(key)) return false;
      entries.set(key, { value, expiresAt: opts?.ttlSeconds ? now() + opts.ttlSeconds * 1000 : 0 });
      noteWrite();
      return true;
    },
    async incrBy(key: string, n: number, opts?: KvIncrOptions) {
      ensureOpen();
      checkIncr(key, n, opts);
      const entry = live(key);
      const current = entry ? Number(entry.value) : 0;
      if (!Number.isSafeInteger(current)) {
        throw new TypeError(`kv: "${key}" does not hold an integer counter`);
      }
      const next = current + n;
      if (!Number.isSafeInteger(next)) throw new RangeError(`kv: counter "${key}" would overflow`);
      const expiresAt = entry?.expiresAt || (opts?.ttlSeconds ? now() + opts.ttlSeconds * 1000 : 0);
      entries.set(key, { value: String(next), expiresAt });
      if (!entry) noteWrite();
      return next;
    },
    async del(key: string) {
      ensureOpen();
      checkKey(key);
      entries.delete(key);
    },
    async close() {
      closed = true;
      entries = new Map();
    },
  };
}
