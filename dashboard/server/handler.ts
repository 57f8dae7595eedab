import { existsSync } from "node:fs";
import type { RequestListener } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestListener } from "@remix-run/node-fetch-server";
import { createStaticFiles } from "./static.ts";
import type { DashboardBuildModule, DashboardDeps } from "./types.ts";

/** The built app (`npm run build -w @genledger/dashboard`). */
export const DASHBOARD_BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "build");

/** The running dashboard: a Node request listener plus its shutdown. */
export interface DashboardServer {
  /** Pass to `http.createServer(listener)`, or call from a router that owns other paths. */
  listener: RequestListener;
  /** Releases what the dashboard holds (not the store or blob store: the caller owns those). */
  close(): Promise<void>;
}

/**
 * Serves the built dashboard in this process: static files from `build/client`, everything else through
 * React Router with `{ store, blobStore, config }` in the router context. In embedded mode the collector,
 * the alert evaluator and the dashboard share one process because chDB binds one data directory per process.
 *
 * @example
 * const store = await createClickHouse({ dataDir });
 * const dashboard = await createDashboardServer({ store, blobStore: createBlobStore(), config: dashboardConfigFromEnv(process.env) });
 * http.createServer(dashboard.listener).listen(3000);
 */
export async function createDashboardServer(
  deps: DashboardDeps,
  options: { buildDir?: string } = {},
): Promise<DashboardServer> {
  const buildDir = options.buildDir ?? DASHBOARD_BUILD_DIR;
  const entry = join(buildDir, "server", "index.js");
  if (!existsSync(entry)) {
    throw new Error(
      `The dashboard is not built: ${entry} is missing. Run \`npm run build -w @genledger/dashboard\`.`,
    );
  }
  // React picks its development build (several times slower to render) unless NODE_ENV says
  // production, as `react-router-serve` does; an explicit NODE_ENV (tests set "test") is kept.
  process.env.NODE_ENV ??= "production";
  const module = (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as DashboardBuildModule;
  const app = await module.createDashboardHandler(deps);
  const serveStatic = createStaticFiles(join(buildDir, "client"));
  const appListener = createRequestListener((request: Request, client: { address: string }) =>
    app.handle(request, client),
  );
  const listener: RequestListener = (req, res) => {
    serveStatic(req, res).then(
      (served) => {
        if (!served) appListener(req, res);
      },
      (error: unknown) => {
        (deps.config.logger ?? console).error("genledger dashboard: static file error", error);
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };
  return { listener, close: () => app.close() };
}

export type { DashboardConfig, DashboardDeps, DashboardLogger } from "./types.ts";
export { DashboardConfigError, dashboardConfigFromEnv } from "./types.ts";
