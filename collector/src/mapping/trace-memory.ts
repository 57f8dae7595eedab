/**
 * Remembers, for a while, the traces that had a generation, so that spans of the same trace that
 * arrive in a later export (a long agent run, a split batch) are kept for the trace view too.
 * Bounded in size and age: expired entries are evicted from the oldest end as new ones arrive.
 */
export class TraceMemory {
  /** Key -> expiry (ms); insertion order is expiry order, since the TTL is fixed. */
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 50_000;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  remember(projectId: string, traceId: string, now = Date.now()): void {
    const key = `${projectId}/${traceId}`;
    this.#entries.delete(key);
    this.#entries.set(key, now + this.#ttlMs);
    // Evict a few expired entries per call: amortized O(1), and memory follows the load.
    for (let i = 0; i < 4; i++) {
      const oldest = this.#entries.entries().next().value;
      if (oldest === undefined || (oldest[1] >= now && this.#entries.size <= this.#maxEntries)) break;
      this.#entries.delete(oldest[0]);
    }
  }

  has(projectId: string, traceId: string, now = Date.now()): boolean {
    const key = `${projectId}/${traceId}`;
    const expires = this.#entries.get(key);
    if (expires === undefined) return false;
    if (expires < now) {
      this.#entries.delete(key);
      return false;
    }
    return true;
  }
}
