// Display helpers that run in the browser too, so they must not import @genledger/core (Node-only).

/** `1,234` */
export function formatCount(value: number | bigint): string {
  return value.toLocaleString("en-US");
}

/** `850 ms`, `2.4 s`, `3 min 5 s`; `-` for null. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `2025-01-31 14:05:09 UTC`: one unambiguous zone for everyone reading the same record. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "-";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "-";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `3 min ago`, for lists. */
export function formatAgo(value: Date | string, now = Date.now()): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/**
 * Nano-dollars as dollars without floating point, like `formatUsd` in @genledger/core (which cannot be
 * bundled for the browser): at least 2 and at most `maxDecimals` decimals.
 */
export function usd(nanos: number | bigint, maxDecimals = 6): string {
  let n = typeof nanos === "bigint" ? nanos : BigInt(Math.trunc(nanos));
  const negative = n < 0n;
  if (negative) n = -n;
  const scale = 10n ** BigInt(9 - maxDecimals);
  const rounded = (n + scale / 2n) / scale;
  const unit = 10n ** BigInt(maxDecimals);
  let fraction = (rounded % unit).toString().padStart(maxDecimals, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  const whole = (rounded / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}$${whole}.${fraction}`;
}
