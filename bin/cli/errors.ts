/**
 * A failure the operator can fix: printed as one line (`genledger: <message>`) with exit code 1,
 * never as a stack trace.
 */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** True when `error` (or its cause chain) is a Node system error with `code`. */
export function hasErrorCode(error: unknown, code: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === code) return true;
  }
  return false;
}

/** The first error in `error`'s cause chain whose name is one of `names`. */
export function findNamedError(error: unknown, names: readonly string[]): Error | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (names.includes(e.name)) return e;
  }
  return undefined;
}
