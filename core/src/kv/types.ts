/** Options of {@link KvStore.set}. */
export interface KvSetOptions {
  /** Expire the key after this many seconds (a positive integer). Unset: no expiry. */
  ttlSeconds?: number | undefined;
  /** Only set when the key does not exist (a lock or a first write wins). */
  nx?: boolean | undefined;
}

/** Options of {@link KvStore.incrBy}. */
export interface KvIncrOptions {
  /**
   * Expiry, in seconds, given to the counter when it has none yet (the increment that creates it).
   * Later increments keep the first expiry, so a per-period counter dies with its period.
   */
  ttlSeconds?: number | undefined;
}

/**
 * A small key-value store: the prompt-dedup cache, live budget counters, rate limits and the alert
 * evaluator's leader lock. Values are strings; counters are integers (nano-dollars fit: up to 2^53).
 * Implementations: memory (default, one process), Redis over TCP, Upstash over REST.
 */
export interface KvStore {
  /** The value, or null when the key is missing or expired. */
  get(key: string): Promise<string | null>;
  /** Writes `value`. Resolves false only when `nx` is set and the key already exists. */
  set(key: string, value: string, options?: KvSetOptions): Promise<boolean>;
  /** Adds `n` (an integer, may be negative) to the counter at `key`, creating it at 0; resolves the new value. */
  incrBy(key: string, n: number, options?: KvIncrOptions): Promise<number>;
  /** Removes the key (no error when it is missing). */
  del(key: string): Promise<void>;
  /** Releases connections and timers. The store is unusable afterwards. */
  close(): Promise<void>;
}
