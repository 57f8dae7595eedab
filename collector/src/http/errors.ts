/**
 * An error that answers an HTTP request with its status. `reason` labels the rejection metric;
 * `headers` are added to the response (e.g. `Retry-After`). `close` ends the connection after the
 * answer (the body was not read, so the socket cannot be reused).
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;
  readonly reason: string;
  readonly headers: Record<string, string>;
  readonly close: boolean;
  constructor(
    status: number,
    reason: string,
    message: string,
    options: { headers?: Record<string, string>; close?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.reason = reason;
    this.headers = options.headers ?? {};
    this.close = options.close ?? false;
  }
}
