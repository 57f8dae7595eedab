/**
 * Remembers, for a while, the traces that had a generation, so that spans of the same trace that
 * arrive in a later export (a long agent run, a split batch) are kept for the trace view too.
 * Bounded: the oldest entries go first.
 */
export class TraceMemory {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#ttlMs = options.ttlMs ?? 30 * 60_000;
  }

  remember(projectId: string, traceId: string, now = Date.now()): void {
    const key = `${projectId}/${traceId}`;
    this.#entries.delete(key);
    this.#entries.set(key, now + this.#ttlMs);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
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
