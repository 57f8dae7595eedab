/** One dependency `/readyz` asks about (the store, the spool, the writer). */
export interface ReadinessCheck {
  name: string;
  /** `ok: false` makes `/readyz` answer 503; a throw or a 2 s timeout counts as not ready. */
  check(): Promise<{ ok: boolean; detail?: string }> | { ok: boolean; detail?: string };
}

/**
 * `/readyz` check of the spool: not ready from `threshold` (default 90 %) of its byte limit, so a
 * load balancer can send exports elsewhere before the spool answers 503.
 */
export function spoolReadiness(
  spool: { stats(): { bytes: number; oldestAgeMs: number } },
  maxBytes: number,
  threshold = 0.9,
): ReadinessCheck {
  return {
    name: "spool",
    check() {
      const stats = spool.stats();
      const share = stats.bytes / maxBytes;
      return {
        ok: share < threshold,
        detail: `${stats.bytes} of ${maxBytes} bytes (${(share * 100).toFixed(1)}%), oldest record ${Math.round(stats.oldestAgeMs / 1000)} s`,
      };
    },
  };
}

/**
 * `/readyz` check of a dependency that answers a cheap request (`() => store.client.ping()`): ready
 * when it resolves to anything but `false` or `{ success: false }`.
 */
export function pingReadiness(name: string, ping: () => Promise<unknown>): ReadinessCheck {
  return {
    name,
    async check() {
      const result = await ping();
      const failed =
        result === false ||
        (typeof result === "object" && result !== null && "success" in result && result.success === false);
      const error =
        failed && typeof result === "object" && result !== null && "error" in result
          ? String(result.error)
          : "";
      return { ok: !failed, detail: failed ? error || "not reachable" : "" };
    },
  };
}

/** The `/readyz` body. */
export interface ReadinessReport {
  status: "ready" | "not ready";
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

/** Runs every check at once; a check that throws or takes over `timeoutMs` (2 s) is not ready. */
export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (probe) => {
      try {
        const result = await Promise.race([
          Promise.resolve(probe.check()),
          new Promise<{ ok: boolean; detail: string }>((resolve) =>
            setTimeout(
              () => resolve({ ok: false, detail: `no answer within ${timeoutMs / 1000} s` }),
              timeoutMs,
            ).unref(),
          ),
        ]);
        return { name: probe.name, ok: result.ok, detail: result.detail ?? "" };
      } catch (error) {
        return { name: probe.name, ok: false, detail: (error as Error).message };
      }
    }),
  );
  return { status: results.every((result) => result.ok) ? "ready" : "not ready", checks: results };
}
