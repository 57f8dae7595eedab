/**
 * Delay before retry number `attempt` (1-based): exponential from `initialMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that many collectors recovering from
 * the same outage do not retry in lockstep.
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

// ClickHouse error types that mean "this data cannot be stored", whatever the retry.
const DATA_ERROR_TYPES = new Set([
  "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
  "CANNOT_PARSE_TEXT",
  "CANNOT_PARSE_NUMBER",
  "CANNOT_PARSE_DATE",
  "CANNOT_PARSE_DATETIME",
  "CANNOT_PARSE_QUOTED_STRING",
  "CANNOT_PARSE_ESCAPE_SEQUENCE",
  "CANNOT_PARSE_UUID",
  "CANNOT_PARSE_BOOL",
  "INCORRECT_DATA",
  "TYPE_MISMATCH",
  "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
  "TOO_LARGE_STRING_SIZE",
  "DECIMAL_OVERFLOW",
]);
const DATA_ERROR_CODES = new Set(["6", "27", "38", "41", "53", "72", "117", "321", "407"]);

/**
 * The default retry policy: everything is retried (store down, timeouts, a migration not yet
 * run) except errors that name the data as the problem: validation errors (`ZodError`,
 * `InvalidInputError` of `@genledger/clickhouse`), an error with `retryable: false`, and
 * ClickHouse parse/type errors. Blocking on a transient error is safe (the spool holds the
 * data); quarantining on one would not be, hence the narrow list.
 */
export function isRetryableWriteError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return true;
  const e = error as {
    name?: unknown;
    retryable?: unknown;
    type?: unknown;
    code?: unknown;
    clickhouseCode?: unknown;
  };
  if (e.retryable === false) return false;
  if (e.name === "ZodError" || e.name === "InvalidInputError" || e.code === "INVALID_INPUT") return false;
  // `type` on @clickhouse/client's ClickHouseError; `code` on @genledger/clickhouse's QueryError.
  if (typeof e.type === "string" && DATA_ERROR_TYPES.has(e.type)) return false;
  if (typeof e.code === "string" && DATA_ERROR_TYPES.has(e.code)) return false;
  if (typeof e.clickhouseCode === "string" && DATA_ERROR_CODES.has(e.clickhouseCode)) return false;
  if (e.name === "ClickHouseError" && typeof e.code === "string" && DATA_ERROR_CODES.has(e.code)) {
    return false;
  }
  return true;
}
