import type { Server } from "node:http";
import { findApiKey, type Store } from "@genledger/clickhouse";
import {
  collectorConfigFromEnv,
  createCollector,
  createMetricsRegistry,
  createSpool,
  createSweeper,
  createWriter,
  type Logger,
} from "@genledger/collector";
import type { BlobStore, KvStore } from "@genledger/core";
import type { Config } from "@genledger/core/env";
import { createAlertEvaluator } from "../../collector/src/alerts/evaluator.ts";
import { clickHouseMarkAbandoned, clickHouseSink } from "../../collector/src/writer/clickhouse-sink.ts";
import { closeServer, listen } from "./listen.ts";
import type { Step } from "./shutdown.ts";

/** The running collector side: OTLP receiver, spool, writer, sweeper, alert evaluator. */
export interface CollectorSide {
  server: Server;
  host: string;
  port: number;
  /** In stop order: receiver first (its last batches reach the spool), then the drain. */
  stopSteps: Step[];
}

interface Deps {
  store: Store;
  blobStore: BlobStore;
  kv: KvStore;
  logger: Logger;
}

function webhooks(config: Config<"collector">) {
  const url = config.alertWebhookUrl;
  if (!url) return [];
  const format = new URL(url).hostname === "hooks.slack.com" ? ("slack" as const) : ("json" as const);
  return [{ url, format, ...(config.alertWebhookSecret ? { secret: config.alertWebhookSecret } : {}) }];
}

/**
 * Starts the ingest path (`POST /v1/traces` -> fsync'd spool -> ClickHouse), the abandoned-call
 * sweeper and the alert evaluator (leader-elected through the key-value store, so several
 * collectors evaluate once).
 */
export async function startCollectorSide(
  command: "start" | "collector",
  config: Config<"collector">,
  { store, blobStore, kv, logger }: Deps,
): Promise<CollectorSide> {
  // The ingest settings (limits, keys, redaction) are parsed by the collector from the same registry.
  const ingest = collectorConfigFromEnv(process.env, command);
  const metrics = createMetricsRegistry();
  const spool = await createSpool({ dir: config.spoolDir, maxBytes: config.spoolMaxBytes, metrics });
  const stopSteps: Step[] = [["spool", () => spool.close()]];
  try {
    const writer = createWriter({
      spool,
      sink: clickHouseSink(store),
      batchRows: config.writerBatchRows,
      flushIntervalMs: config.writerFlushIntervalMs,
      metrics,
      logger: logger.child({ component: "writer" }),
    });
    stopSteps.unshift([
      "writer (writing what the spool holds)",
      () => writer.stop({ drain: true, timeoutMs: 60_000 }),
    ]);
    const sweeper = createSweeper({
      markAbandoned: clickHouseMarkAbandoned(store),
      pendingTimeoutMs: config.pendingTimeout,
      metrics,
      logger: logger.child({ component: "sweeper" }),
    });
    stopSteps.unshift(["sweeper", () => sweeper.stop()]);
    const collector = createCollector({
      config: ingest,
      spool,
      blobs: blobStore,
      lookupKey: (secret) => findApiKey(store, secret),
      metrics,
      logger: logger.child({ component: "collector" }),
      readiness: [
        {
          name: "writer",
          check: () => {
            const stats = writer.stats();
            return { ok: stats.state !== "stopped", detail: stats.lastError };
          },
        },
      ],
    });
    const port = await listen(
      collector.server,
      config.collectorPort,
      config.collectorHost,
      "GENLEDGER_COLLECTOR_PORT",
    );
    stopSteps.unshift(["OTLP receiver", () => closeServer(collector.server).then(() => collector.close())]);
    const alerts = createAlertEvaluator({
      store,
      kv,
      intervalMs: config.alertInterval,
      ...(config.publicUrl ? { dashboardUrl: config.publicUrl } : {}),
      webhooks: webhooks(config),
      log: logger.child({ component: "alerts" }),
    });
    alerts.start();
    // After the receiver: an evaluation in progress may still read what the writer just wrote.
    stopSteps.splice(1, 0, ["alert evaluator", () => alerts.stop()]);
    return { server: collector.server, host: config.collectorHost, port, stopSteps };
  } catch (error) {
    for (const [, step] of stopSteps) await step().catch(() => {});
    throw error;
  }
}
