import { createServer, type Server } from "node:http";
import type { Store } from "@genledger/clickhouse";
import type { Logger } from "@genledger/collector";
import type { BlobStore, KvStore } from "@genledger/core";
import type { Config } from "@genledger/core/env";
import { createDashboardServer } from "@genledger/dashboard";
import type { FirstRun } from "./first-run.ts";
import { withHealth } from "./health.ts";
import { closeServer, listen } from "./listen.ts";
import type { Step } from "./shutdown.ts";

/** The running dashboard. */
export interface DashboardSide {
  server: Server;
  host: string;
  port: number;
  stopSteps: Step[];
}

/** Starts the built dashboard with `/healthz` in front of it (every page needs a signed-in member). */
export async function startDashboardSide(
  config: Config<"dashboard">,
  { store, blobStore, kv, logger }: { store: Store; blobStore: BlobStore; kv: KvStore; logger: Logger },
  firstRun: FirstRun | undefined,
): Promise<DashboardSide> {
  const log = logger.child({ component: "dashboard" });
  const admin = firstRun?.admin ?? { email: config.adminEmail, password: config.adminPassword };
  const dashboard = await createDashboardServer({
    store,
    blobStore,
    config: {
      dataDir: config.dataDir,
      kv,
      ...(config.sessionSecret ? { sessionSecret: config.sessionSecret } : {}),
      ...(admin.email && admin.password ? { adminEmail: admin.email, adminPassword: admin.password } : {}),
      ...(config.projectId ? { projectId: config.projectId } : {}),
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      logger: {
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
        error: (message, error) => log.error(message, { error }),
      },
    },
  });
  const ping = async () => {
    await store.client.query({ query: "SELECT 1", format: "JSONEachRow" }).then((r) => r.json());
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, withHealth(dashboard.listener, ping));
  const port = await listen(
    server,
    config.dashboardPort,
    config.dashboardHost,
    "GENLEDGER_DASHBOARD_PORT",
  ).catch(async (error: unknown) => {
    await dashboard.close();
    throw error;
  });
  return {
    server,
    host: config.dashboardHost,
    port,
    stopSteps: [
      ["dashboard", () => closeServer(server)],
      ["dashboard app", () => dashboard.close()],
    ],
  };
}
