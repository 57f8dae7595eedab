import type { LogLevel } from "./types.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** The instrumentation's logger: stderr, prefixed, with a once-per-key variant for repeated failures. */
export interface Logger {
  level: LogLevel;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Logs the first time `key` is seen, then stays quiet: a down collector must not flood the app's logs. */
  once(key: string, level: Exclude<LogLevel, "silent">, message: string): void;
}

/** A logger writing at `level` and above. Logging itself never throws. */
export function createLogger(level: LogLevel): Logger {
  const seen = new Set<string>();
  const write = (at: Exclude<LogLevel, "silent">, message: string) => {
    if (RANK[at] < RANK[logger.level]) return;
    try {
      const line = `[genledger] ${message}`;
      if (at === "error") console.error(line);
      else if (at === "warn") console.warn(line);
      else console.info(line);
    } catch {
      // A closed stderr must not reach the application.
    }
  };
  const logger: Logger = {
    level,
    debug: (m) => write("debug", m),
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m) => write("error", m),
    once(key, at, message) {
      if (seen.has(key)) return;
      seen.add(key);
      write(at, message);
    },
  };
  return logger;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
