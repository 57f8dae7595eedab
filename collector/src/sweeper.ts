import type { Logger } from "./logger.ts";
import type { MetricsRegistry } from "./metrics.ts";

/** Default of `GENLEDGER_PENDING_TIMEOUT`: a generation pending this long is taken as abandoned. */
export const DEFAULT_PENDING_TIMEOUT_MS = 15 * 60_000;

/** Metric names of the sweeper. */
export const SWEEPER_METRIC = {
  /** counter: pending generations turned `abandoned`. */
  abandoned: "genledger_collector_abandoned_total",
  /** counter: sweeps that failed (store unreachable). */
  failures: "genledger_collector_sweep_failures_total",
} as const;

/** Options of {@link createSweeper}. */
export interface SweeperOptions {
  /**
   * Turns pending generations that started before `olderThan` into `abandoned` and returns how
   * many: `(options) => markAbandoned(store, options)` from `@genledger/clickhouse`.
   */
  markAbandoned: (options: { olderThan: Date }) => Promise<number>;
  /** How long a generation may stay pending (`GENLEDGER_PENDING_TIMEOUT`); default 15 minutes. */
  pendingTimeoutMs?: number;
  /** Time between sweeps; default 60 s. */
  intervalMs?: number;
  now?: () => number;
  metrics?: MetricsRegistry;
  logger?: Logger;
}

/** The running sweeper. */
export interface Sweeper {
  /** Runs one sweep now; resolves to the number of generations marked abandoned. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Periodically marks stale pending generations `abandoned`: a call whose final span never came
 * (the app crashed mid-stream) still leaves a record, never nothing. A later final record still
 * wins over `abandoned` (see `statusRank`), so a slow stream that finishes after the timeout is
 * not lost. Sweeps never overlap; a failed sweep is logged and retried at the next tick.
 *
 * @example
 * ```ts
 * const sweeper = createSweeper({ markAbandoned: (o) => markAbandoned(store, o) });
 * ```
 */
export function createSweeper(options: SweeperOptions): Sweeper {
  const pendingTimeoutMs = options.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? 60_000;
  if (!(pendingTimeoutMs > 0))
    throw new TypeError(`GENLEDGER_PENDING_TIMEOUT must be positive, got ${pendingTimeoutMs} ms`);
  if (!(intervalMs > 0)) throw new TypeError(`sweeper intervalMs must be positive, got ${intervalMs}`);
  const now = options.now ?? Date.now;
  const abandoned = options.metrics?.counter(
    SWEEPER_METRIC.abandoned,
    "Pending generations marked abandoned",
  );
  const failures = options.metrics?.counter(
    SWEEPER_METRIC.failures,
    "Abandoned-generation sweeps that failed",
  );
  let running: Promise<number> | null = null;
  let stopped = false;

  const sweep = () => {
    running ??= (async () => {
      try {
        const count = await options.markAbandoned({ olderThan: new Date(now() - pendingTimeoutMs) });
        abandoned?.inc(undefined, count);
        if (count > 0) options.logger?.info("marked stale pending generations abandoned", { count });
        return count;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    sweep().catch((error: unknown) => {
      failures?.inc();
      options.logger?.warn("abandoned-generation sweep failed; will retry", { error });
    });
  }, intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
