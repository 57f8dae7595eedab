/**
 * The spool holds `maxBytes` or more: the collector must refuse new data (HTTP 503 with
 * `Retry-After: retryAfterSeconds`) until the writer has drained some of it into ClickHouse.
 */
export class SpoolFullError extends Error {
  override name = "SpoolFullError";
  /** Seconds a client should wait before sending again. */
  readonly retryAfterSeconds: number;
  constructor(bytes: number, maxBytes: number, retryAfterSeconds: number) {
    super(
      `spool is full: ${bytes} bytes waiting, limit ${maxBytes} (GENLEDGER_SPOOL_MAX_BYTES); retry in ${retryAfterSeconds} s`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** One batch is larger than the spool accepts in a single record (HTTP 413). */
export class SpoolRecordTooLargeError extends Error {
  override name = "SpoolRecordTooLargeError";
  constructor(bytes: number, maxRecordBytes: number) {
    super(`batch of ${bytes} bytes exceeds the spool's record limit of ${maxRecordBytes} bytes`);
  }
}

/** `append` after `close()`. */
export class SpoolClosedError extends Error {
  override name = "SpoolClosedError";
  constructor() {
    super("spool is closed");
  }
}

/** Another live process holds the spool directory. */
export class SpoolLockedError extends Error {
  override name = "SpoolLockedError";
  constructor(dir: string, pid: number) {
    super(
      `spool directory ${dir} is in use by process ${pid}; one collector per spool directory (delete ${dir}/LOCK only if that process is gone)`,
    );
  }
}
