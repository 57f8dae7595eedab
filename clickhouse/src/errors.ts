/**
 * Base class of every error this package throws: `code` is stable and machine-readable,
 * `cause` keeps the underlying error (a `ClickHouseError` from `@clickhouse/client`, an fs error...).
 */
export class StoreError extends Error {
  override name = "StoreError";
  /** Stable identifier, e.g. `DATA_DIR_LOCKED`, `UNKNOWN_TABLE`, `INVALID_INPUT`. */
  readonly code: string;
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}

/**
 * A statement failed in ClickHouse, or its rows did not have the expected shape.
 * `code` is ClickHouse's error type (`UNKNOWN_TABLE`, `SYNTAX_ERROR`...) when it gave one,
 * `ROW_VALIDATION` for unexpected rows, `QUERY_FAILED` otherwise.
 */
export class QueryError extends StoreError {
  override name = "QueryError";
  /** ClickHouse's numeric error code as text (`"60"`), "" when not from ClickHouse. */
  readonly clickhouseCode: string;
  /** First line of the statement, to find it in the logs. */
  readonly statement: string;
  constructor(
    message: string,
    options: { code: string; cause?: unknown; clickhouseCode?: string; statement: string },
  ) {
    super(message, options);
    this.clickhouseCode = options.clickhouseCode ?? "";
    this.statement = options.statement;
  }
}

/**
 * The embedded ClickHouse data directory is held by another process. chDB binds one data directory
 * per process, so the collector, the alert evaluator and the dashboard must run in one process in
 * embedded mode (or all point at a ClickHouse server).
 */
export class DataDirLockedError extends StoreError {
  override name = "DataDirLockedError";
  /** The data directory (`<dataDir>/clickhouse`). */
  readonly dir: string;
  /** PID of the holder when known. */
  readonly pid: number | null;
  constructor(dir: string, pid: number | null, cause?: unknown) {
    const holder = pid === null ? "another genledger process" : `another genledger process (pid ${pid})`;
    super(
      `ClickHouse data directory ${dir} is in use by ${holder}. The embedded engine allows one process per ` +
        "data directory: stop that process, run everything in one process, point both at a ClickHouse server " +
        "with GENLEDGER_CLICKHOUSE_URL, or use another GENLEDGER_DATA_DIR.",
      { code: "DATA_DIR_LOCKED", cause },
    );
    this.dir = dir;
    this.pid = pid;
  }
}

/** The database has migrations this code does not know: it was migrated by a newer genledger. */
export class SchemaNewerThanCodeError extends StoreError {
  override name = "SchemaNewerThanCodeError";
  /** Applied migration versions with no file in `clickhouse/migrations/`. */
  readonly unknownVersions: number[];
  constructor(unknownVersions: number[], latestKnown: number) {
    super(
      `The database has migration(s) ${unknownVersions.map(formatVersion).join(", ")} applied, but this ` +
        `genledger only knows migrations up to ${formatVersion(latestKnown)}. Upgrade genledger, or migrate the ` +
        "database down with the newer version first.",
      { code: "SCHEMA_NEWER_THAN_CODE" },
    );
    this.unknownVersions = unknownVersions;
  }
}

/** A migration file failed; `cause` is the ClickHouse error. */
export class MigrationError extends StoreError {
  override name = "MigrationError";
  /** The migration file, e.g. `0002_rollups.up.sql`. */
  readonly file: string;
  constructor(file: string, statementIndex: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Migration ${file} failed at statement ${statementIndex + 1}: ${reason}`, {
      code: "MIGRATION_FAILED",
      cause,
    });
    this.file = file;
  }
}

/** A caller passed something unusable; `field` names it. */
export class InvalidInputError extends StoreError {
  override name = "InvalidInputError";
  /** What was wrong, e.g. `generations[3].startedAt` or `GENLEDGER_RETENTION_DAYS_RAW`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, { code: "INVALID_INPUT" });
    this.field = field;
  }
}

function formatVersion(version: number): string {
  return String(version).padStart(4, "0");
}
