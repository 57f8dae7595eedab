import type { Logger } from "../logger.ts";
import { HttpError } from "./errors.ts";

/**
 * The answer for a failure after decoding, while storing: a full spool is 503 with its
 * `Retry-After`; a batch too large for one spool record is 413; anything else (blob store or disk
 * failure) is 503 so that the exporter retries, since nothing of the request was acknowledged.
 */
export function storageError(error: unknown, logger: Logger): HttpError {
  const name = error instanceof Error ? error.name : "";
  if (name === "SpoolFullError") {
    const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds ?? 5;
    return new HttpError(503, "spool_full", (error as Error).message, {
      headers: { "Retry-After": String(retry) },
      cause: error,
    });
  }
  if (name === "SpoolRecordTooLargeError") {
    return new HttpError(413, "batch_too_large", `${(error as Error).message}; export smaller batches`, {
      cause: error,
    });
  }
  logger.error("export could not be stored", { error });
  return new HttpError(503, "storage_unavailable", "the export could not be stored right now; retry later", {
    headers: { "Retry-After": "5" },
    cause: error,
  });
}
