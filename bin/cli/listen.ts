import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError, hasErrorCode } from "./errors.ts";

/**
 * Starts `server` on `host:port` and resolves with the port it got (0 picks a free one). A port
 * already in use becomes a {@link CliError} naming the port and the variable that sets it.
 */
export async function listen(server: Server, port: number, host: string, variable: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      if (hasErrorCode(error, "EADDRINUSE")) {
        reject(
          new CliError(
            `port ${port} on ${host} is already in use: stop the other process or set ${variable}`,
          ),
        );
      } else if (hasErrorCode(error, "EACCES")) {
        reject(
          new CliError(`not allowed to listen on port ${port} on ${host}: choose another with ${variable}`),
        );
      } else if (hasErrorCode(error, "EADDRNOTAVAIL") || hasErrorCode(error, "ENOTFOUND")) {
        reject(new CliError(`cannot listen on ${host}: no such local address (check the *_HOST setting)`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections and lets requests in flight finish. A request that arrives on a
 * kept-alive connection is answered with `Connection: close`, a connection that falls idle is
 * closed at once, and whatever is still open after `graceMs` is cut.
 */
export async function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  if (!server.listening) return;
  server.on("request", (_request, response) => {
    response.shouldKeepAlive = false;
  });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() only ends the connections idle at that moment; requests in flight leave theirs open.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  server.closeIdleConnections();
  await closed;
  clearInterval(sweep);
  clearTimeout(cut);
}

/** The address to print for a server bound to `host` (a wildcard becomes localhost). */
export function displayUrl(host: string, port: number): string {
  const shown =
    host === "0.0.0.0" || host === "::" || host === ""
      ? "localhost"
      : host.includes(":")
        ? `[${host}]`
        : host;
  return `http://${shown}:${port}`;
}
