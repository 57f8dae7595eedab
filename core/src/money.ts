/** Nano-dollars in one US dollar. */
export const NANOS_PER_USD = 1_000_000_000n;

/**
 * Formats integer nano-dollars as US dollars without going through floating point.
 * Shows at least 2 decimals and up to `maxDecimals` (default 6), trimming trailing zeros.
 * @example formatUsd(1_234_500n) // "$0.001235"
 */
export function formatUsd(nanos: bigint | number, maxDecimals = 6): string {
  let n = typeof nanos === "bigint" ? nanos : BigInt(nanos);
  const negative = n < 0n;
  if (negative) n = -n;
  const scale = 10n ** BigInt(9 - maxDecimals);
  const rounded = (n + scale / 2n) / scale;
  const unit = 10n ** BigInt(maxDecimals);
  const whole = rounded / unit;
  let frac = (rounded % unit).toString().padStart(maxDecimals, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}$${wholeText}.${frac}`;
}
