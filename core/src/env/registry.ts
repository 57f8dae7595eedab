import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { derivedDefault, type EnvSource, envVar } from "./define.ts";
import {
  booleanFromEnv,
  bytesFromEnv,
  durationFromEnv,
  ingestKeysFromEnv,
  integerFromEnv,
  keyValueListFromEnv,
  oneOfFromEnv,
  portFromEnv,
  secretFromEnv,
  textFromEnv,
  urlFromEnv,
} from "./schemas.ts";

/** Where local data lives when `GENLEDGER_DATA_DIR` is not set (relative to the working directory). */
export const DEFAULT_DATA_DIR = "./.genledger";

/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

const dataDir = (env: EnvSource) => resolve(env.GENLEDGER_DATA_DIR || DEFAULT_DATA_DIR);

const SERVER = ["collector", "dashboard", "migrate"] as const;
const STORES = ["collector", "dashboard"] as const;

/**
 * Every environment variable genledger reads, in documentation order. This is the one place a
 * variable is declared: services load it through `loadConfig`, `docs/configuration.md` is
 * generated from it, and a test fails when code reads a variable that is not here.
 */
export const ENV = {
  logLevel: envVar({
    name: "GENLEDGER_LOG_LEVEL",
    processes: ["collector", "dashboard", "migrate", "instrumentation"],
    description: "How much to log: debug, info, warn, error or silent.",
    schema: oneOfFromEnv(LOG_LEVELS),
    default: "info",
  }),

  // Storage shared by the collector and the dashboard.
  dataDir: envVar({
    name: "GENLEDGER_DATA_DIR",
    processes: SERVER,
    description:
      "Directory for local data: the embedded ClickHouse (`clickhouse/`), the ingest spool (`spool/`) and, by default, blobs (`blobs/`). One process at a time may use it.",
    schema: textFromEnv,
    default: DEFAULT_DATA_DIR,
  }),
  clickhouseUrl: envVar({
    name: "GENLEDGER_CLICKHOUSE_URL",
    processes: SERVER,
    description:
      "ClickHouse server, `http(s)://user:password@host:8123/database`. Unset: the embedded engine (chDB) under `GENLEDGER_DATA_DIR`.",
    schema: urlFromEnv(["http", "https"]),
    requiredWhen: {
      doc: "the collector, the dashboard or migrations run as separate processes (`genledger collector`, `genledger dashboard`, `genledger migrate`)",
      test: ({ mode }) => mode !== "start",
    },
    secret: true,
    example: "http://genledger:secret@clickhouse:8123/genledger",
  }),
  clickhouseDatabase: envVar({
    name: "GENLEDGER_CLICKHOUSE_DATABASE",
    processes: SERVER,
    description:
      "Database on the ClickHouse server, created if missing. Unset: the database in `GENLEDGER_CLICKHOUSE_URL`'s path, else `default`.",
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be letters, digits and _"),
  }),
  clickhouseCluster: envVar({
    name: "GENLEDGER_CLICKHOUSE_CLUSTER",
    processes: SERVER,
    description:
      "ClickHouse cluster name: migrations then run `ON CLUSTER` with Replicated engines. Unset: a single server.",
    schema: textFromEnv,
  }),
  migrate: envVar({
    name: "GENLEDGER_MIGRATE",
    processes: ["collector", "dashboard"],
    description:
      "Apply pending ClickHouse migrations when the process starts. Set false when a separate `genledger migrate` step runs them (as in docker-compose.yml).",
    schema: booleanFromEnv,
    default: "true",
  }),
  retentionDaysRaw: envVar({
    name: "GENLEDGER_RETENTION_DAYS_RAW",
    processes: SERVER,
    description:
      "Days to keep generations, their spans and the ID lookup; 0 keeps them forever. Applied when migrations run.",
    schema: integerFromEnv(0, 36_500),
    default: "0",
  }),
  retentionDaysText: envVar({
    name: "GENLEDGER_RETENTION_DAYS_TEXT",
    processes: SERVER,
    description:
      "Days to keep prompt and output text (the records stay, with usage and cost); 0 keeps it forever. Applied when migrations run.",
    schema: integerFromEnv(0, 36_500),
    default: "0",
  }),
  retentionDaysRollups: envVar({
    name: "GENLEDGER_RETENTION_DAYS_ROLLUPS",
    processes: SERVER,
    description:
      "Days to keep the hourly and daily spend rollups; 0 keeps them forever. Applied when migrations run.",
    schema: integerFromEnv(0, 36_500),
    default: "0",
  }),
  blobUrl: envVar({
    name: "GENLEDGER_BLOB_URL",
    processes: STORES,
    description:
      "Where images and files go: `file:///dir`, `s3://bucket/prefix` (S3, MinIO, R2) or `vercel-blob://prefix`.",
    schema: urlFromEnv(["file", "s3", "vercel-blob"]),
    default: derivedDefault(
      "file://<GENLEDGER_DATA_DIR>/blobs",
      (env) => pathToFileURL(resolve(dataDir(env), "blobs")).href,
    ),
    example: "s3://genledger/blobs",
  }),
  s3Endpoint: envVar({
    name: "GENLEDGER_S3_ENDPOINT",
    processes: STORES,
    description: "S3 endpoint for S3-compatible stores (MinIO, R2). Unset: AWS.",
    schema: urlFromEnv(["http", "https"]),
    example: "http://minio:9000",
  }),
  s3ForcePathStyle: envVar({
    name: "GENLEDGER_S3_FORCE_PATH_STYLE",
    processes: STORES,
    description: "Address buckets as `endpoint/bucket` instead of `bucket.endpoint` (MinIO needs true).",
    schema: booleanFromEnv,
    default: "false",
  }),
  s3Region: envVar({
    name: "GENLEDGER_S3_REGION",
    processes: STORES,
    description: "S3 region. Unset: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then us-east-1.",
    schema: textFromEnv,
    example: "eu-west-1",
  }),
  awsRegion: envVar({
    name: "AWS_REGION",
    processes: STORES,
    description: "S3 region when `GENLEDGER_S3_REGION` is unset.",
    schema: textFromEnv,
  }),
  awsDefaultRegion: envVar({
    name: "AWS_DEFAULT_REGION",
    processes: STORES,
    description: "S3 region when neither `GENLEDGER_S3_REGION` nor `AWS_REGION` is set.",
    schema: textFromEnv,
  }),
  awsAccessKeyId: envVar({
    name: "AWS_ACCESS_KEY_ID",
    processes: STORES,
    description: "S3 access key. Unset: the AWS SDK's other credential sources (profiles, instance roles).",
    schema: textFromEnv,
    readBy: "the AWS SDK",
  }),
  awsSecretAccessKey: envVar({
    name: "AWS_SECRET_ACCESS_KEY",
    processes: STORES,
    description: "S3 secret key, with `AWS_ACCESS_KEY_ID`.",
    schema: textFromEnv,
    secret: true,
    readBy: "the AWS SDK",
    requiredWhen: {
      doc: "`AWS_ACCESS_KEY_ID` is set",
      test: ({ env }) => Boolean(env.AWS_ACCESS_KEY_ID),
    },
  }),
  vercelBlobToken: envVar({
    name: "BLOB_READ_WRITE_TOKEN",
    processes: STORES,
    description: "Vercel Blob read-write token.",
    schema: textFromEnv,
    secret: true,
    requiredWhen: {
      doc: "`GENLEDGER_BLOB_URL` starts with `vercel-blob://`",
      test: ({ env }) => Boolean(env.GENLEDGER_BLOB_URL?.startsWith("vercel-blob://")),
    },
  }),
  kvUrl: envVar({
    name: "GENLEDGER_KV_URL",
    processes: ["collector", "dashboard", "instrumentation"],
    description:
      "Key-value store for the prompt cache, live budget counters, rate limits and the alert leader lock: `memory://`, `redis://host:6379`, `rediss://...` or `upstash://` (with the `UPSTASH_*` variables). Several processes need a shared one.",
    schema: urlFromEnv(["memory", "redis", "rediss", "upstash"]),
    default: "memory://",
    example: "redis://redis:6379",
  }),
  upstashUrl: envVar({
    name: "UPSTASH_REDIS_REST_URL",
    processes: ["collector", "dashboard", "instrumentation"],
    description: "Upstash Redis REST URL.",
    schema: urlFromEnv(["https", "http"]),
    requiredWhen: {
      doc: "`GENLEDGER_KV_URL` is `upstash://`",
      test: ({ env }) => Boolean(env.GENLEDGER_KV_URL?.startsWith("upstash:")),
    },
  }),
  upstashToken: envVar({
    name: "UPSTASH_REDIS_REST_TOKEN",
    processes: ["collector", "dashboard", "instrumentation"],
    description: "Upstash Redis REST token.",
    schema: textFromEnv,
    secret: true,
    requiredWhen: {
      doc: "`GENLEDGER_KV_URL` is `upstash://` or `UPSTASH_REDIS_REST_URL` is set",
      test: ({ env }) => Boolean(env.GENLEDGER_KV_URL?.startsWith("upstash:") || env.UPSTASH_REDIS_REST_URL),
    },
  }),
  pricesFile: envVar({
    name: "GENLEDGER_PRICES_FILE",
    processes: ["collector", "dashboard", "instrumentation"],
    description: "JSON file of price entries that override or extend the built-in catalog.",
    schema: textFromEnv,
    example: "./prices.json",
  }),

  // Collector.
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
    default: derivedDefault("<GENLEDGER_DATA_DIR>/spool", (env) => resolve(dataDir(env), "spool")),
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

  // Dashboard.
  dashboardHost: envVar({
    name: "GENLEDGER_DASHBOARD_HOST",
    processes: ["dashboard"],
    description: "Interface the dashboard listens on. Use 0.0.0.0 in a container.",
    schema: textFromEnv,
    default: "127.0.0.1",
  }),
  dashboardPort: envVar({
    name: "GENLEDGER_DASHBOARD_PORT",
    processes: ["dashboard"],
    description: "Port of the dashboard. 0: any free port.",
    schema: portFromEnv,
    default: "3000",
  }),
  sessionSecret: envVar({
    name: "GENLEDGER_SESSION_SECRET",
    processes: ["dashboard"],
    description:
      "Signs session cookies (at least 32 characters). Unset: one is generated once and kept in `GENLEDGER_DATA_DIR`; set it when the dashboard has no persistent data directory or runs as several replicas.",
    schema: secretFromEnv(32),
    secret: true,
  }),
  adminEmail: envVar({
    name: "GENLEDGER_ADMIN_EMAIL",
    processes: ["dashboard"],
    description:
      "E-mail of the first admin, created at start when there is no admin yet. Unset: `genledger start` creates `admin@localhost` with a generated password and prints it once; a separate dashboard prints a one-time `/setup` link.",
    schema: z
      .string()
      .trim()
      .regex(/^[^\s@]+@[^\s@]+$/, "must be an e-mail address"),
    requiredWhen: {
      doc: "`GENLEDGER_ADMIN_PASSWORD` is set",
      test: ({ env }) => Boolean(env.GENLEDGER_ADMIN_PASSWORD),
    },
  }),
  adminPassword: envVar({
    name: "GENLEDGER_ADMIN_PASSWORD",
    processes: ["dashboard"],
    description: "Password of the first admin (at least 12 characters).",
    schema: secretFromEnv(12),
    secret: true,
    requiredWhen: {
      doc: "`GENLEDGER_ADMIN_EMAIL` is set",
      test: ({ env }) => Boolean(env.GENLEDGER_ADMIN_EMAIL),
    },
  }),
  projectId: envVar({
    name: "GENLEDGER_PROJECT_ID",
    processes: ["dashboard"],
    description:
      "Restricts every dashboard page to one project, which also owns the ingestion keys created there. Unset: all projects; new keys belong to `default`.",
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/, "must be 1-128 characters of A-Z, a-z, 0-9, _ . -"),
  }),
  publicUrl: envVar({
    name: "GENLEDGER_PUBLIC_URL",
    processes: ["collector", "dashboard"],
    description:
      "The dashboard's address as users reach it; used in alert links (`/generation/:id`). Unset: the local address.",
    schema: urlFromEnv(["http", "https"]),
    example: "https://genledger.example.com",
  }),

  // Instrumentation (inside the application that calls the AI SDK).
  endpoint: envVar({
    name: "GENLEDGER_ENDPOINT",
    processes: ["instrumentation"],
    description:
      "Base URL of the collector; spans go to `<endpoint>/v1/traces`. Takes precedence over `OTEL_EXPORTER_OTLP_ENDPOINT`.",
    schema: urlFromEnv(["http", "https"]),
    example: "https://collector.example.com",
  }),
  otlpEndpoint: envVar({
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    processes: ["instrumentation"],
    description:
      "Base URL of the collector when `GENLEDGER_ENDPOINT` is unset; spans go to `<endpoint>/v1/traces`.",
    schema: urlFromEnv(["http", "https"]),
    default: "http://localhost:4318",
  }),
  otlpTracesEndpoint: envVar({
    name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    processes: ["instrumentation"],
    description: "Full traces URL; overrides `OTEL_EXPORTER_OTLP_ENDPOINT`.",
    schema: urlFromEnv(["http", "https"]),
  }),
  otlpHeaders: envVar({
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    processes: ["instrumentation"],
    description: "Extra export headers, `key=value` pairs separated by commas.",
    schema: keyValueListFromEnv,
    secret: true,
  }),
  serviceName: envVar({
    name: "OTEL_SERVICE_NAME",
    processes: ["instrumentation"],
    description: "Name of the instrumented service, kept on its spans.",
    schema: textFromEnv,
  }),
  dashboardUrl: envVar({
    name: "GENLEDGER_DASHBOARD_URL",
    processes: ["instrumentation"],
    description:
      "The dashboard's address, used to build the `/generation/:id` link of a generation made with `newGeneration()`.",
    schema: urlFromEnv(["http", "https"]),
    default: "http://localhost:3000",
  }),
  apiKey: envVar({
    name: "GENLEDGER_API_KEY",
    processes: ["instrumentation"],
    description: "Ingest key (Settings > Ingestion keys), sent as `Authorization: Bearer <key>`.",
    schema: secretFromEnv(1),
    secret: true,
  }),
  disabled: envVar({
    name: "GENLEDGER_DISABLED",
    processes: ["instrumentation"],
    description: "Turn the instrumentation off without removing the import.",
    schema: booleanFromEnv,
    default: "false",
  }),

  // The test suite.
  chromiumPath: envVar({
    name: "GENLEDGER_CHROMIUM_PATH",
    processes: ["test"],
    description: "Chromium binary the browser tests drive.",
    schema: textFromEnv,
    default: "/usr/bin/chromium",
  }),
  requireServices: envVar({
    name: "GENLEDGER_REQUIRE_SERVICES",
    processes: ["test"],
    description:
      "1: tests fail instead of skipping when redis-server or Chromium is missing (CI sets it, as does CI=true).",
    schema: booleanFromEnv,
    default: "false",
  }),
};

/** The registry's type. */
export type EnvRegistry = typeof ENV;
