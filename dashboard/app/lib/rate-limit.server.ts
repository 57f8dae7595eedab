import type { KvStore } from "@genledger/core";

/** The part of a key-value store the limiter needs (a `KvStore` from `@genledger/core` fits). */
export type Counter = Pick<KvStore, "incrBy">;

/** A per-process fixed-window counter, for when no shared key-value store is configured. */
export function memoryCounter(): Counter {
  const windows = new Map<string, { count: number; expiresAt: number }>();
  return {
    async incrBy(key, n, options) {
      const now = Date.now();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (w.expiresAt <= now) windows.delete(k);
      }
      const current = windows.get(key);
      if (!current || current.expiresAt <= now) {
        windows.set(key, { count: n, expiresAt: now + (options?.ttlSeconds ?? 60) * 1000 });
        return n;
      }
      current.count += n;
      return current.count;
    },
  };
}

/**
 * Fixed one-minute windows of sign-in attempts, counted per IP and e-mail and per IP alone (at ten
 * times the limit), so one address can neither guess one password nor spray many accounts.
 */
export class LoginRateLimiter {
  readonly #counter: Counter;
  readonly #perMinute: number;

  constructor(counter: Counter, perMinute: number) {
    this.#counter = counter;
    this.#perMinute = perMinute;
  }

  /** Counts one attempt; false when it is over the limit. */
  async allow(ip: string, email: string): Promise<boolean> {
    const minute = Math.floor(Date.now() / 60_000);
    const [pair, address] = await Promise.all([
      this.#counter.incrBy(`genledger:login:${minute}:${ip}:${email}`, 1, { ttlSeconds: 120 }),
      this.#counter.incrBy(`genledger:login:${minute}:${ip}`, 1, { ttlSeconds: 120 }),
    ]);
    return pair <= this.#perMinute && address <= this.#perMinute * 10;
  }
}
