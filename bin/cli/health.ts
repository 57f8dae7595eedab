import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { loadConfig } from "@genledger/core/env";
import { CliError } from "./errors.ts";

/** The path every genledger HTTP server answers without authentication. */
export const HEALTH_PATH = "/healthz";

/**
 * Wraps `listener` so `GET /healthz` answers 200 when `check` passes (503 otherwise) without
 * reaching the app, whose pages all need a signed-in member.
 */
export function withHealth(listener: RequestListener, check: () => Promise<void>): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== HEALTH_PATH || (req.method !== "GET" && req.method !== "HEAD")) return listener(req, res);
    check().then(
      () => res.writeHead(200, { "content-type": "text/plain" }).end("ok\n"),
      (error: unknown) =>
        res.writeHead(503, { "content-type": "text/plain" }).end(`unhealthy: ${(error as Error).message}\n`),
    );
  };
}

/**
 * `genledger health <collector|dashboard>`: asks the process on this machine, at the port the
 * configuration gives it, for `/healthz`. For container health checks, which must not need curl.
 */
export async function healthCommand(target: string | undefined): Promise<number> {
  if (target !== "collector" && target !== "dashboard") {
    throw new CliError("usage: genledger health <collector|dashboard>");
  }
  // `start` reads both ports and needs no ClickHouse URL, so this works in every container shape.
  const config = loadConfig("start");
  const [host, port] =
    target === "collector"
      ? [config.collectorHost, config.collectorPort]
      : [config.dashboardHost, config.dashboardPort];
  const local = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${local.includes(":") ? `[${local}]` : local}:${port}${HEALTH_PATH}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (response.ok) return 0;
    throw new CliError(`${target} at ${url} answered ${response.status}: ${(await response.text()).trim()}`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${target} at ${url} did not answer: ${(error as Error).message}`);
  }
}
