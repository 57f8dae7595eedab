// A collector process for the crash test: the real OTLP/HTTP receiver (createCollector) over the
// spool, the writer and the real embedded ClickHouse store, as `genledger start` runs it.
// Env: CHILD_DATA_DIR (ClickHouse + blobs), CHILD_SPOOL_DIR, CHILD_INGEST_KEY, CHILD_PROJECT.
// Prints "READY <port>" once it accepts exports. On SIGTERM it shuts down gracefully (stop
// accepting, drain the spool into ClickHouse), prints "DRAINED <json>" and exits.
import { createClickHouse } from "@genledger/clickhouse";
import { createBlobStore } from "@genledger/core";
import { resolveCollectorConfig } from "../../collector/src/config.ts";
import { createCollector } from "../../collector/src/server.ts";
import { createSpool } from "../../collector/src/spool/spool.ts";
import { clickHouseSink } from "../../collector/src/writer/clickhouse-sink.ts";
import { createWriter } from "../../collector/src/writer/writer.ts";

const dataDir = process.env.CHILD_DATA_DIR!;
const store = await createClickHouse({ url: "", dataDir });
// Small segments so that kills land between seals, inserts and removals of many segments.
const spool = await createSpool({
  dir: process.env.CHILD_SPOOL_DIR!,
  maxBytes: 1024 ** 3,
  segmentBytes: 32 * 1024,
});
const writer = createWriter({ spool, sink: clickHouseSink(store), flushIntervalMs: 50, batchRows: 50 });
const config = resolveCollectorConfig({
  port: 0,
  logLevel: "silent",
  auth: { staticKeys: [{ secret: process.env.CHILD_INGEST_KEY!, projectId: process.env.CHILD_PROJECT! }] },
});
const collector = createCollector({ config, spool, blobs: createBlobStore(`file://${dataDir}/blobs`) });
const { port } = await collector.listen(0, "127.0.0.1");
process.stdout.write(`READY ${port}\n`);

process.once("SIGTERM", () => {
  void (async () => {
    await collector.close();
    const result = await writer.stop({ drain: true, timeoutMs: 60_000 });
    await spool.close();
    await store.close();
    process.stdout.write(`DRAINED ${JSON.stringify(result)}\n`, () => process.exit(0));
  })();
});
