import type { KvIncrOptions, KvSetOptions } from "./types.ts";

/** Throws a TypeError naming the bad argument; shared by every store so they fail alike. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError(`kv: key must be a non-empty string, got ${JSON.stringify(key)}`);
  }
}

/** Validates `set` arguments. */
export function checkSet(key: unknown, value: unknown, options: KvSetOptions | undefined): void {
  checkKey(key);
  if (typeof value !== "string") {
    throw new TypeError(`kv: value of "${key}" must be a string, got ${typeof value}`);
  }
  checkTtl(options?.ttlSeconds);
}

/** Validates `incrBy` arguments. */
export function checkIncr(key: unknown, n: unknown, options: KvIncrOptions | undefined): void {
  checkKey(key);
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new TypeError(`kv: increment of "${key}" must be a safe integer, got ${String(n)}`);
  }
  checkTtl(options?.ttlSeconds);
}

function checkTtl(ttl: unknown): void {
  if (ttl === undefined) return;
  if (typeof ttl !== "number" || !Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new TypeError(`kv: ttlSeconds must be a positive integer, got ${String(ttl)}`);
  }
}

/** Parses a counter value read back from a store; a non-integer means the key holds something else. */
export function toCounter(key: string, raw: unknown): number {
  const value = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`kv: "${key}" does not hold an integer counter (got ${JSON.stringify(raw)})`);
  }
  return value;
}
