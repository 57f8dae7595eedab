import { NANOS_PER_USD } from "../money.ts";
import { PricingError } from "./errors.ts";

/** Prices are quoted per this many tokens. */
export const TOKENS_PER_MILLION = 1_000_000n;
const DECIMAL = /^(\d{1,12})(?:\.(\d{1,9}))?$/;

/**
 * Parses a USD decimal string ("0.0375") into integer nano-dollars (37_500_000n) without ever
 * going through a float. At most 9 fraction digits: one nano-dollar is the unit of the ledger.
 *
 * @param field - named in the error when the string is not a plain decimal
 */
export function parseUsdToNanos(value: string, field = "price"): bigint {
  const match = DECIMAL.exec(value);
  if (!match) {
    throw new PricingError(
      `${field}: expected a decimal USD string with at most 9 fraction digits like "2.50", got ${JSON.stringify(value)}`,
      { code: "invalid-catalog", field },
    );
  }
  const whole = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? "").padEnd(9, "0"));
  return whole * NANOS_PER_USD + fraction;
}

/** Divides two non-negative bigints, rounding half up (x.5 goes away from zero). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) {
    throw new PricingError("divideHalfUp expects a non-negative numerator and a positive denominator", {
      code: "invalid-input",
    });
  }
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * Cost of `tokens` at a price of `nanosPerMillion` nano-dollars per million tokens, rounded half up
 * to a whole nano-dollar once, at the end.
 */
export function tokenCostNanos(tokens: bigint, nanosPerMillion: bigint): bigint {
  return divideHalfUp(tokens * nanosPerMillion, TOKENS_PER_MILLION);
}

/**
 * Formats integer nano-dollars as an exact USD decimal string ("0.000000038"), trailing zeros kept
 * to 9 places so that strings sort and align; meant for display and CSV export.
 */
export function formatNanosAsUsd(nanos: bigint | number): string {
  const value = typeof nanos === "bigint" ? nanos : BigInt(nanos);
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  const whole = abs / NANOS_PER_USD;
  const fraction = (abs % NANOS_PER_USD).toString().padStart(9, "0");
  return `${sign}${whole}.${fraction}`;
}
