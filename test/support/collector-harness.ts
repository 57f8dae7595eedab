import {
  type Collector,
  type CollectorConfigOverrides,
  createCollector,
  createMetricsRegistry,
  createSpool,
  type IngestBatch,
  type MetricsRegistry,
  resolveCollectorConfig,
  type Spool,
  unspoolBatch,
} from "@genledger/collector";
import { createBlobStore } from "@genledger/core";
import { tempDir } from "./services.ts";

/** The ingest key every harness accepts, bound to project {@link HARNESS_PROJECT}. */
export const HARNESS_KEY = "test-ingest-key-0001";
/** The project of {@link HARNESS_KEY}. */
export const HARNESS_PROJECT = "acme";

/** A running collector over a real spool and a real file blob store in a temporary directory. */
export interface CollectorHarness {
  collector: Collector;
  spool: Spool;
  blobs: ReturnType<typeof createBlobStore>;
  metrics: MetricsRegistry;
  /** `http://127.0.0.1:<port>` */
  url: string;
  tracesUrl: string;
  /** Everything acknowledged so far, read back from the spool (decoded, and removed from it). */
  drain(): Promise<IngestBatch[]>;
  stop(): Promise<void>;
}

/** Starts a collector on a free port with the real spool and blob store. */
export async function startCollectorHarness(
  overrides: CollectorConfigOverrides = {},
  options: { spoolMaxBytes?: number } = {},
): Promise<CollectorHarness> {
  const dir = tempDir("genledger-collector-");
  const metrics = createMetricsRegistry();
  const spool = await createSpool({
    dir: `${dir.path}/spool`,
    maxBytes: options.spoolMaxBytes ?? 512 * 1024 * 1024,
    metrics,
  });
  const blobs = createBlobStore(`file://${dir.path}/blobs`);
  const config = resolveCollectorConfig({
    port: 0,
    logLevel: "silent",
    ...overrides,
    auth: { staticKeys: [{ secret: HARNESS_KEY, projectId: HARNESS_PROJECT }], ...overrides.auth },
  });
  const collector = createCollector({ config, spool, blobs, metrics });
  const { url } = await collector.listen();
  return {
    collector,
    spool,
    blobs,
    metrics,
    url,
    tracesUrl: `${url}/v1/traces`,
    async drain() {
      await spool.rotate();
      const batches: IngestBatch[] = [];
      for (const segment of spool.sealedSegments()) {
        const contents = await spool.readSegment(segment.name);
        for (const record of contents.records) batches.push(unspoolBatch(record.batch));
        await spool.removeSegment(segment.name);
      }
      return batches;
    },
    async stop() {
      await collector.close();
      await spool.close();
      dir.remove();
    },
  };
}
