import { resolve } from "node:path";
import { derivedDefault, envVar } from "../define.ts";
import {
  bytesFromEnv,
  durationFromEnv,
  ingestKeysFromEnv,
  integerFromEnv,
  oneOfFromEnv,
  portFromEnv,
  secretFromEnv,
  textFromEnv,
  urlFromEnv,
} from "../schemas.ts";
import { dataDirOf } from "./storage.ts";

/** Variables of the collector: the OTLP receiver, the spool and writer, the sweeper, alerts. */
export const COLLECTOR_VARS = {
  collectorHost: envVar({
    name: "GENLEDGER_COLLECTOR_HOST",
    processes: ["collector"],
    description: "Interface the OTLP/HTTP receiver listens on. Use 0.0.0.0 in a container.",
    schema: textFromEnv,
    default: "127.0.0.1",
  }),
  collectorPort: envVar({
    name: "GENLEDGER_COLLECTOR_PORT",
    processes: ["collector"],
    description: "Port of the OTLP/HTTP receiver (`POST /v1/traces`). 0: any free port.",
    schema: portFromEnv,
    default: "4318",
  }),
  spoolDir: envVar({
    name: "GENLEDGER_SPOOL_DIR",
    processes: ["collector"],
    description:
      "Directory of the durable ingest spool: accepted batches wait here until ClickHouse has them.",
    schema: textFromEnv,
    default: derivedDefault("<GENLEDGER_DATA_DIR>/spool", (env) => resolve(dataDirOf(env), "spool")),
  }),
  spoolMaxBytes: envVar({
    name: "GENLEDGER_SPOOL_MAX_BYTES",
    processes: ["collector"],
    description: "Spool size at which the collector answers 503 with Retry-After instead of accepting more.",
    schema: bytesFromEnv,
    default: "1GiB",
  }),
  pendingTimeout: envVar({
    name: "GENLEDGER_PENDING_TIMEOUT",
    processes: ["collector"],
    description:
      "A generation still pending after this long is marked `abandoned` (the app crashed mid-call); a late final record still wins.",
    schema: durationFromEnv,
    default: "15m",
  }),
  writerBatchRows: envVar({
    name: "GENLEDGER_WRITER_BATCH_ROWS",
    processes: ["collector"],
    description: "Most rows (generations and spans) per ClickHouse insert.",
    schema: integerFromEnv(1, 1_000_000),
    default: "10000",
  }),
  writerFlushIntervalMs: envVar({
    name: "GENLEDGER_WRITER_FLUSH_INTERVAL_MS",
    processes: ["collector"],
    description:
      "Longest an accepted batch waits in the spool before it is written to ClickHouse, in ms. Larger means fewer, bigger inserts.",
    schema: integerFromEnv(1, 3_600_000),
    default: "1000",
  }),
  alertInterval: envVar({
    name: "GENLEDGER_ALERT_INTERVAL",
    processes: ["collector"],
    description: "How often alert rules are evaluated.",
    schema: durationFromEnv,
    default: "1m",
  }),
  alertWebhookUrl: envVar({
    name: "GENLEDGER_ALERT_WEBHOOK_URL",
    processes: ["collector"],
    description:
      "Webhook every alert is also delivered to, besides the per-rule webhooks set in the dashboard. A Slack incoming-webhook URL gets Slack-formatted messages.",
    schema: urlFromEnv(["http", "https"]),
    example: "https://hooks.slack.com/services/T000/B000/XXXX",
  }),
  alertWebhookSecret: envVar({
    name: "GENLEDGER_ALERT_WEBHOOK_SECRET",
    processes: ["collector"],
    description:
      "Signs the JSON body of `GENLEDGER_ALERT_WEBHOOK_URL` deliveries: header `x-genledger-signature: sha256=<HMAC>`.",
    schema: secretFromEnv(16),
    secret: true,
  }),

  // Collector ingest (OTLP/HTTP receiver).
  ingestKeys: envVar({
    name: "GENLEDGER_INGEST_KEYS",
    processes: ["collector"],
    description:
      "Static ingest keys for deployments without the dashboard: `secret:project` pairs separated by commas. Keys created in the dashboard work as well.",
    schema: ingestKeysFromEnv,
    secret: true,
    example: "gl_live_abc123:acme,gl_live_def456:staging",
  }),
  ingestAuth: envVar({
    name: "GENLEDGER_INGEST_AUTH",
    processes: ["collector"],
    description:
      "`required`: every export needs an ingest key (`Authorization: Bearer <key>` or `x-genledger-key`). `none`: no key, everything goes to `GENLEDGER_INGEST_DEFAULT_PROJECT` (local development only).",
    schema: oneOfFromEnv(["required", "none"]),
    default: "required",
  }),
  ingestDefaultProject: envVar({
    name: "GENLEDGER_INGEST_DEFAULT_PROJECT",
    processes: ["collector"],
    description: "Project that receives exports when `GENLEDGER_INGEST_AUTH=none`.",
    schema: textFromEnv,
    default: "default",
  }),
  ingestKeyCacheTtl: envVar({
    name: "GENLEDGER_INGEST_KEY_CACHE_TTL",
    processes: ["collector"],
    description:
      "How long a looked-up ingest key (or its absence) is cached; a revoked key stops working after this.",
    schema: durationFromEnv,
    default: "30s",
  }),
  ingestMaxBodyBytes: envVar({
    name: "GENLEDGER_INGEST_MAX_BODY_BYTES",
    processes: ["collector"],
    description: "Largest export body accepted as sent (compressed or not); larger ones get 413.",
    schema: bytesFromEnv,
    default: "64MiB",
  }),
  ingestMaxDecompressedBytes: envVar({
    name: "GENLEDGER_INGEST_MAX_DECOMPRESSED_BYTES",
    processes: ["collector"],
    description:
      "Largest export body after gunzip; inflating stops there and the export gets 413 (gzip bombs).",
    schema: bytesFromEnv,
    default: "128MiB",
  }),
  ingestMaxSpans: envVar({
    name: "GENLEDGER_INGEST_MAX_SPANS",
    processes: ["collector"],
    description: "Spans accepted per export; the spans after this many are rejected (partial success).",
    schema: integerFromEnv(1, 1_000_000),
    default: "10000",
  }),
  ingestMaxAttributeBytes: envVar({
    name: "GENLEDGER_INGEST_MAX_ATTRIBUTE_BYTES",
    processes: ["collector"],
    description:
      "Largest single attribute value (a prompt, an output). A larger prompt or output is replaced by a note saying so; other values are cut.",
    schema: bytesFromEnv,
    default: "16MiB",
  }),
  ingestMaxBlobBytes: envVar({
    name: "GENLEDGER_INGEST_MAX_BLOB_BYTES",
    processes: ["collector"],
    description: "Largest image or file moved to the blob store; a larger one is replaced by a note part.",
    schema: bytesFromEnv,
    default: "20MiB",
  }),
  ingestMaxTokens: envVar({
    name: "GENLEDGER_INGEST_MAX_TOKENS",
    processes: ["collector"],
    description:
      "Token count above which a generation is rejected as absurd (partial success) instead of poisoning spend totals.",
    schema: integerFromEnv(1, 10_000_000_000),
    default: "100000000",
  }),
  traceAttributeMaxBytes: envVar({
    name: "GENLEDGER_TRACE_ATTRIBUTE_MAX_BYTES",
    processes: ["collector"],
    description:
      "Attribute values kept on stored trace spans are cut to this size (the generation record keeps the full prompt and output).",
    schema: bytesFromEnv,
    default: "8KiB",
  }),
  redact: envVar({
    name: "GENLEDGER_REDACT",
    processes: ["collector"],
    description:
      "PII redaction before storage, off by default. Rules separated by commas (`emails`, `phones`, `cards`, `secrets`, `all`) for every project, or JSON with per-project rules and custom patterns (see collector/README.md).",
    schema: textFromEnv,
    example: "emails,cards,secrets",
  }),
};
