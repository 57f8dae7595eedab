/**
 * What went wrong: bad input to price (usage counts, time, model id), bad price data (an entry or an
 * overrides file), or a known entry without the price this usage needs (an image size it lacks).
 */
export type PricingErrorCode = "invalid-input" | "invalid-catalog" | "missing-price";

/**
 * The one error type of the price module: bad usage numbers, bad price data, a bad overrides file.
 * `field` names what was wrong (e.g. `usage.inputTokens`, `[2].input`), so a caller can report it
 * without parsing the message; `issues` lists every problem when a whole file was rejected.
 *
 * @example
 * try { priceGeneration(input) } catch (e) { if (e instanceof PricingError) log(e.field, e.message) }
 */
export class PricingError extends Error {
  /** The kind of failure, for callers that recover from some (a missing price is "unpriced"). */
  readonly code: PricingErrorCode;
  /** The path of the offending value, when there is one. */
  readonly field: string | undefined;
  /** Every problem found, when several were collected (an overrides file). */
  readonly issues: readonly string[];

  constructor(
    message: string,
    options: { code: PricingErrorCode; field?: string; issues?: readonly string[]; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PricingError";
    this.code = options.code;
    this.field = options.field;
    this.issues = options.issues ?? [];
  }
}
