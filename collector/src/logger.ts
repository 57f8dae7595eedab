/** Log levels, most severe first. `silent` logs nothing. */
export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fields attached to a log line. Errors are expanded to `{ name, message, stack }`. */
export type LogFields = Record<string, unknown>;

/** A structured logger: one JSON object per line. */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lines less severe than this are dropped. Env: `GENLEDGER_LOG_LEVEL` (default `info`). */
  level?: LogLevel;
  /** Where lines go; defaults to stdout. */
  write?: (line: string) => void;
  /** Added to every line (e.g. `{ service: "collector" }`). */
  base?: LogFields;
}

function rank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * A JSON-lines logger. Logging never throws: an unserializable field is replaced by a note.
 * @example createLogger({ level: "debug" }).info("listening", { port: 4318 })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = rank(options.level ?? "info");
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const base = options.base ?? {};

  function emit(level: Exclude<LogLevel, "silent">, message: string, fields: LogFields | undefined): void {
    if (rank(level) > threshold) return;
    const record: LogFields = { time: new Date().toISOString(), level, msg: message, ...base };
    if (fields !== undefined)
      for (const [key, value] of Object.entries(fields)) record[key] = serialize(value);
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({
        time: record.time,
        level,
        msg: message,
        note: "log fields were not serializable",
      });
    }
    try {
      write(`${line}\n`);
    } catch {
      // A closed stdout must not take the collector down.
    }
  }

  return {
    error: (message, fields) => emit("error", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    info: (message, fields) => emit("info", message, fields),
    debug: (message, fields) => emit("debug", message, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}
