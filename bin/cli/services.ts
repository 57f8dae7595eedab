import { existsSync } from "node:fs";
import { join } from "node:path";
import { createClickHouse, type Store } from "@genledger/clickhouse";
import { createLogger, type Logger } from "@genledger/collector";
import { createBlobStore, createKvStore } from "@genledger/core";
import { type Config, loadConfig } from "@genledger/core/env";
import { ensureDashboardBuilt } from "./dashboard-build.ts";
import { embeddedDataDirHeld } from "./data-dir-lock.ts";
import { CliError, findNamedError } from "./errors.ts";
import { type FirstRun, finishFirstRun, prepareFirstRun } from "./first-run.ts";
import { displayUrl } from "./listen.ts";
import { startCollectorSide } from "./run-collector.ts";
import { startDashboardSide } from "./run-dashboard.ts";
import { runSteps, type Step, waitForShutdownSignal } from "./shutdown.ts";

/** The commands that open the store. */
export type ServiceCommand = "start" | "collector" | "dashboard" | "migrate";

/** Lines for the operator (not log records): always shown, whatever the log level. */
export const say = (line: string): void => {
  process.stdout.write(`genledger: ${line}\n`);
};

/** What every process that opens the store reads. */
type StoreConfig = Pick<
  Config<"migrate">,
  | "dataDir"
  | "clickhouseUrl"
  | "clickhouseDatabase"
  | "clickhouseCluster"
  | "retentionDaysRaw"
  | "retentionDaysText"
  | "retentionDaysRollups"
  | "logLevel"
>;
/** What the HTTP processes share on top. */
type ServerConfig = StoreConfig & Pick<Config<"collector">, "migrate" | "blobUrl" | "kvUrl">;

/**
 * Opens the store. A data directory held by another process (chDB binds one per process) becomes
 * a one-line {@link CliError} instead of a stack trace.
 */
async function openStore(config: StoreConfig, migrate: boolean): Promise<Store> {
  const held = () =>
    new CliError(
      `the data directory ${config.dataDir} is in use by another genledger process: stop it, or choose another directory with GENLEDGER_DATA_DIR (--data-dir)`,
    );
  if (config.clickhouseUrl === undefined && embeddedDataDirHeld(config.dataDir)) throw held();
  try {
    return await createClickHouse({
      // "" means embedded, whatever the environment says: the registry already settled it.
      url: config.clickhouseUrl ?? "",
      dataDir: config.dataDir,
      ...(config.clickhouseDatabase ? { database: config.clickhouseDatabase } : {}),
      ...(config.clickhouseCluster ? { cluster: config.clickhouseCluster } : {}),
      migrate,
      retention: {
        rawDays: config.retentionDaysRaw,
        textDays: config.retentionDaysText,
        rollupDays: config.retentionDaysRollups,
      },
    });
  } catch (error) {
    if (findNamedError(error, ["DataDirLockedError"])) throw held();
    throw error;
  }
}

/** Runs `command` until it is done (migrate) or stopped by SIGINT/SIGTERM; returns the exit code. */
export async function runService(command: ServiceCommand): Promise<number> {
  switch (command) {
    case "migrate": {
      const config = loadConfig("migrate");
      const store = await openStore(config, true);
      await store.close();
      say("migrations applied");
      return 0;
    }
    case "start": {
      const config = loadConfig("start");
      return await runServers(command, config, { collector: config, dashboard: config });
    }
    case "collector": {
      const config = loadConfig("collector");
      return await runServers(command, config, { collector: config });
    }
    case "dashboard": {
      const config = loadConfig("dashboard");
      return await runServers(command, config, { dashboard: config });
    }
  }
}

async function runServers(
  command: "start" | "collector" | "dashboard",
  config: ServerConfig,
  sides: { collector?: Config<"collector">; dashboard?: Config<"dashboard"> },
): Promise<number> {
  const logger: Logger = createLogger({ level: config.logLevel, base: { service: `genledger-${command}` } });
  // Listen for signals before anything else: a Ctrl-C during start-up (or right after the ready line,
  // which is written synchronously) must still shut down gracefully, never kill the process outright.
  const stopRequested = waitForShutdownSignal(say);
  if (sides.dashboard) await ensureDashboardBuilt(say);
  const embedded = config.clickhouseUrl === undefined;
  // Checked before the store creates it: a data directory without ClickHouse data is a first start.
  const firstRun: FirstRun | undefined =
    command === "start" && embedded && !existsSync(join(config.dataDir, "clickhouse"))
      ? prepareFirstRun(sides.dashboard!)
      : undefined;
  const store = await openStore(config, config.migrate);
  // Stop order, built up front to back: servers first, then the queues, the stores last.
  const steps: Step[] = [["ClickHouse", () => store.close()]];
  try {
    const blobStore = createBlobStore(config.blobUrl);
    const kv = createKvStore(config.kvUrl);
    steps.unshift(["key-value store", () => kv.close()]);
    const deps = { store, blobStore, kv, logger };
    const collector = sides.collector
      ? await startCollectorSide(command === "start" ? "start" : "collector", sides.collector, deps)
      : undefined;
    if (collector) steps.unshift(...collector.stopSteps);
    const dashboard = sides.dashboard ? await startDashboardSide(sides.dashboard, deps, firstRun) : undefined;
    if (dashboard) steps.unshift(...dashboard.stopSteps);

    if (firstRun)
      await finishFirstRun(firstRun, { store, dataDir: config.dataDir, collector: sides.collector }, say);
    const where = [
      collector ? `collector ${displayUrl(collector.host, collector.port)}/v1/traces` : "",
      dashboard ? `dashboard ${displayUrl(dashboard.host, dashboard.port)}` : "",
    ].filter(Boolean);
    say(
      `ready: ${where.join(", ")}; data in ${embedded ? config.dataDir : "the ClickHouse server"} (Ctrl-C to stop)`,
    );

    await stopRequested;
    const clean = await runSteps(
      steps.splice(0),
      (name, error) => logger.error(`stopping the ${name} failed`, { error }),
      (name, ms) => logger.info(`stopped the ${name}`, { ms }),
    );
    say(clean ? "stopped" : "stopped with errors (see above)");
    return clean ? 0 : 1;
  } finally {
    // Steps are left only when start-up failed half-way: release what was opened, quietly.
    await runSteps(steps.splice(0), () => {});
  }
}
