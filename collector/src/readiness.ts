import type { ReadinessCheck } from "./server.ts";

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
