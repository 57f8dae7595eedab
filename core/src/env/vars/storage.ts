import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { derivedDefault, type EnvSource, envVar } from "../define.ts";
import { booleanFromEnv, integerFromEnv, oneOfFromEnv, textFromEnv, urlFromEnv } from "../schemas.ts";

/** Where local data lives when `GENLEDGER_DATA_DIR` is not set (relative to the working directory). */
export const DEFAULT_DATA_DIR = "./.genledger";

/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** The data directory `env` configures, absolute: for defaults derived from it. */
export const dataDirOf = (env: EnvSource): string => resolve(env.GENLEDGER_DATA_DIR || DEFAULT_DATA_DIR);

const SERVER = ["collector", "dashboard", "migrate"] as const;
const STORES = ["collector", "dashboard"] as const;

/** Variables every process that stores or reads data shares: logging, ClickHouse, blobs, key-value store, prices. */
export const STORAGE_VARS = {
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
      (env) => pathToFileURL(resolve(dataDirOf(env), "blobs")).href,
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
};
