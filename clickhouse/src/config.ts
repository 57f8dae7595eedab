import { resolve } from "node:path";
import { InvalidInputError } from "./errors.ts";

/** Days to keep each class of data; 0 keeps it forever. */
export interface RetentionDays {
  /** Raw generations, their id lookup and spans. Env `GENLEDGER_RETENTION_DAYS_RAW`. */
  rawDays: number;
  /** Prompt and output bodies, their search text and previews (column TTL). Env `GENLEDGER_RETENTION_DAYS_TEXT`. */
  textDays: number;
  /** Hourly and daily spend rollups. Env `GENLEDGER_RETENTION_DAYS_ROLLUPS`. */
  rollupDays: number;
}

/** Options of {@link createClickHouse}; every field falls back to its environment variable. */
export interface ClickHouseConfig {
  /** ClickHouse server, `http(s)://user:pass@host:8123/db`. Env `GENLEDGER_CLICKHOUSE_URL`. Unset: embedded chDB. */
  url?: string;
  /** Embedded mode: data lives in `<dataDir>/clickhouse`. Env `GENLEDGER_DATA_DIR`, default `./.genledger`. */
  dataDir?: string;
  /** Database name. Env `GENLEDGER_CLICKHOUSE_DATABASE`, else the URL path, else `default`. */
  database?: string;
  /** Cluster name for `ON CLUSTER`, Replicated engines and Distributed tables. Env `GENLEDGER_CLICKHOUSE_CLUSTER`. */
  cluster?: string;
  /** Apply pending migrations on start (default true). */
  migrate?: boolean;
  /** Retention per data class; unset fields come from the `GENLEDGER_RETENTION_DAYS_*` variables (default 0). */
  retention?: Partial<RetentionDays>;
}

/** {@link ClickHouseConfig} with every default applied. */
export interface ResolvedConfig {
  url: string | null;
  dataDir: string;
  database: string;
  cluster: string | null;
  migrate: boolean;
  retention: RetentionDays;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CLUSTER = /^[A-Za-z0-9_.{}-]+$/;

/** Applies environment variables and defaults; throws {@link InvalidInputError} naming a bad value. */
export function resolveConfig(
  config: ClickHouseConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  // An explicit url, even "", wins over the environment ("" = embedded).
  const url =
    config.url !== undefined
      ? (nonEmpty(config.url) ?? null)
      : (nonEmpty(env.GENLEDGER_CLICKHOUSE_URL) ?? null);
  if (url !== null && !/^https?:\/\//.test(url)) {
    throw new InvalidInputError(
      "GENLEDGER_CLICKHOUSE_URL",
      `expected http(s)://user:pass@host:8123/db, got "${url}"`,
    );
  }
  const database =
    nonEmpty(config.database) ??
    nonEmpty(env.GENLEDGER_CLICKHOUSE_DATABASE) ??
    databaseFromUrl(url) ??
    "default";
  if (!NAME.test(database)) {
    throw new InvalidInputError(
      "GENLEDGER_CLICKHOUSE_DATABASE",
      `expected letters, digits and _, got "${database}"`,
    );
  }
  const cluster = nonEmpty(config.cluster) ?? nonEmpty(env.GENLEDGER_CLICKHOUSE_CLUSTER) ?? null;
  if (cluster !== null && !CLUSTER.test(cluster)) {
    throw new InvalidInputError(
      "GENLEDGER_CLICKHOUSE_CLUSTER",
      `expected a cluster name such as "main", got "${cluster}"`,
    );
  }
  return {
    url,
    dataDir: resolve(nonEmpty(config.dataDir) ?? nonEmpty(env.GENLEDGER_DATA_DIR) ?? ".genledger"),
    database,
    cluster,
    migrate: config.migrate ?? true,
    retention: resolveRetention(config.retention, env),
  };
}

/** Retention from explicit values, else the `GENLEDGER_RETENTION_DAYS_*` variables, else 0 (forever). */
export function resolveRetention(
  retention: Partial<RetentionDays> = {},
  env: NodeJS.ProcessEnv = process.env,
): RetentionDays {
  return {
    rawDays: days("rawDays", retention.rawDays, "GENLEDGER_RETENTION_DAYS_RAW", env),
    textDays: days("textDays", retention.textDays, "GENLEDGER_RETENTION_DAYS_TEXT", env),
    rollupDays: days("rollupDays", retention.rollupDays, "GENLEDGER_RETENTION_DAYS_ROLLUPS", env),
  };
}

function days(field: string, value: number | undefined, envName: string, env: NodeJS.ProcessEnv): number {
  if (value !== undefined) return checkDays(`retention.${field}`, value);
  const text = nonEmpty(env[envName]);
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text))
    throw new InvalidInputError(envName, `expected a whole number of days (0 = keep forever), got "${text}"`);
  return checkDays(envName, Number(text));
}

function checkDays(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 36_500) {
    throw new InvalidInputError(
      field,
      `expected a whole number of days from 0 (keep forever) to 36500, got ${value}`,
    );
  }
  return value;
}

function databaseFromUrl(url: string | null): string | undefined {
  if (url === null) return undefined;
  try {
    return nonEmpty(new URL(url).pathname.replace(/^\/+|\/+$/g, ""));
  } catch {
    throw new InvalidInputError("GENLEDGER_CLICKHOUSE_URL", `not a valid URL: "${url}"`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
