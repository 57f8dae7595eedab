import { type Config, ConfigError, type ConfigIssue, type EnvSource, loadConfig } from "@genledger/core/env";
import { z } from "zod";
import type { LogLevel } from "./logger.ts";
import { parseRedactionConfig, REDACTION_OFF, type RedactionConfig } from "./redact/policy.ts";

/** Size and count limits of the OTLP receiver. Each field's doc names its environment variable. */
export interface IngestLimits {
  /** Body as sent, compressed or not; larger: 413. `GENLEDGER_INGEST_MAX_BODY_BYTES` (64 MiB). */
  maxBodyBytes: number;
  /** Body after gunzip; inflating stops there: 413. `GENLEDGER_INGEST_MAX_DECOMPRESSED_BYTES` (128 MiB). */
  maxDecompressedBytes: number;
  /** Spans per export; the rest are rejected (partial success). `GENLEDGER_INGEST_MAX_SPANS` (10,000). */
  maxSpansPerRequest: number;
  /** One attribute value; a larger prompt or output becomes a note. `GENLEDGER_INGEST_MAX_ATTRIBUTE_BYTES` (16 MiB). */
  maxAttributeBytes: number;
  /** One image or file for the blob store; larger: a note part. `GENLEDGER_INGEST_MAX_BLOB_BYTES` (20 MiB). */
  maxBlobBytes: number;
  /** Token count that marks a generation as absurd (rejected). `GENLEDGER_INGEST_MAX_TOKENS` (100M). */
  maxTokens: number;
  /** Attribute values on stored trace spans are cut to this. `GENLEDGER_TRACE_ATTRIBUTE_MAX_BYTES` (8 KiB). */
  traceAttributeMaxBytes: number;
}

/** How exports are authenticated. */
export interface IngestAuthConfig {
  /** `required` (default) or `none` (every export goes to `defaultProjectId`). `GENLEDGER_INGEST_AUTH`. */
  mode: "required" | "none";
  /** Keys that need no store: `GENLEDGER_INGEST_KEYS` (`secret:project,...`). */
  staticKeys: Array<{ secret: string; projectId: string }>;
  /** Project for `mode: "none"`. `GENLEDGER_INGEST_DEFAULT_PROJECT` (`default`). */
  defaultProjectId: string;
  /** How long a key lookup (hit or miss) is cached, ms. `GENLEDGER_INGEST_KEY_CACHE_TTL` (30 s). */
  cacheTtlMs: number;
}

/** The ingest side's configuration. */
export interface CollectorConfig {
  /** `GENLEDGER_COLLECTOR_HOST` (127.0.0.1). */
  host: string;
  /** `GENLEDGER_COLLECTOR_PORT` (4318; 0 = any free port). */
  port: number;
  /** `GENLEDGER_LOG_LEVEL` (info). */
  logLevel: LogLevel;
  auth: IngestAuthConfig;
  limits: IngestLimits;
  /** `GENLEDGER_REDACT`; off by default. */
  redaction: RedactionConfig;
}

const MIB = 1024 * 1024;

/** The defaults, as documented in docs/configuration.md. */
export const DEFAULT_LIMITS: IngestLimits = {
  maxBodyBytes: 64 * MIB,
  maxDecompressedBytes: 128 * MIB,
  maxSpansPerRequest: 10_000,
  maxAttributeBytes: 16 * MIB,
  maxBlobBytes: 20 * MIB,
  maxTokens: 100_000_000,
  traceAttributeMaxBytes: 8 * 1024,
};

const positive = z.number().int().positive();

/** Validates a configuration built in code (tests, embedding); env values go through the registry. */
export const CollectorConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  logLevel: z.enum(["debug", "info", "warn", "error", "silent"]),
  auth: z.object({
    mode: z.enum(["required", "none"]),
    staticKeys: z.array(
      z.object({ secret: z.string().min(8), projectId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }),
    ),
    defaultProjectId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1-128 of A-Z a-z 0-9 _ -"),
    cacheTtlMs: z.number().int().min(0),
  }),
  limits: z.object({
    maxBodyBytes: positive,
    maxDecompressedBytes: positive,
    maxSpansPerRequest: positive,
    maxAttributeBytes: positive,
    maxBlobBytes: positive,
    maxTokens: positive,
    traceAttributeMaxBytes: positive,
  }),
  redaction: z.custom<RedactionConfig>(
    (value) => value !== null && typeof value === "object" && "default" in value && "projects" in value,
    "must come from parseRedactionConfig",
  ),
});

/** Overrides for {@link resolveCollectorConfig}: any field, nested objects merged. */
export interface CollectorConfigOverrides {
  host?: string;
  port?: number;
  logLevel?: LogLevel;
  auth?: Partial<IngestAuthConfig>;
  limits?: Partial<IngestLimits>;
  redaction?: RedactionConfig;
}

/**
 * The default configuration with `overrides` merged in, validated.
 * @throws Error naming every invalid field.
 * @example resolveCollectorConfig({ port: 0, auth: { staticKeys: [{ secret: "test-key-1", projectId: "p1" }] } })
 */
export function resolveCollectorConfig(overrides: CollectorConfigOverrides = {}): CollectorConfig {
  const config: CollectorConfig = {
    host: overrides.host ?? "127.0.0.1",
    port: overrides.port ?? 4318,
    logLevel: overrides.logLevel ?? "info",
    auth: {
      mode: "required",
      staticKeys: [],
      defaultProjectId: "default",
      cacheTtlMs: 30_000,
      ...overrides.auth,
    },
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
    redaction: overrides.redaction ?? REDACTION_OFF,
  };
  const parsed = CollectorConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid collector configuration:\n${problems.join("\n")}`);
  }
  return config;
}

/**
 * Reads the collector's configuration from the environment through the shared registry
 * (`@genledger/core/env`), strictly: every bad or unknown `GENLEDGER_*` value, including a bad
 * `GENLEDGER_REDACT`, is reported in one {@link ConfigError}.
 * @param mode `collector` for the standalone process, `start` for the single embedded process.
 */
export function collectorConfigFromEnv(
  env: EnvSource = process.env,
  mode: "collector" | "start" = "collector",
): CollectorConfig {
  const issues: ConfigIssue[] = [];
  let redaction: RedactionConfig = REDACTION_OFF;
  try {
    redaction = parseRedactionConfig(env.GENLEDGER_REDACT);
  } catch (error) {
    issues.push({ name: "GENLEDGER_REDACT", message: (error as Error).message });
  }
  let config: Config<"collector"> | undefined;
  try {
    config = loadConfig(mode, env) as Config<"collector">;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.unshift(...error.issues);
  }
  if (config === undefined || issues.length > 0) throw new ConfigError(mode, issues);
  return resolveCollectorConfig({
    host: config.collectorHost,
    port: config.collectorPort,
    logLevel: config.logLevel,
    auth: {
      mode: config.ingestAuth,
      staticKeys: config.ingestKeys ?? [],
      defaultProjectId: config.ingestDefaultProject,
      cacheTtlMs: config.ingestKeyCacheTtl,
    },
    limits: {
      maxBodyBytes: config.ingestMaxBodyBytes,
      maxDecompressedBytes: config.ingestMaxDecompressedBytes,
      maxSpansPerRequest: config.ingestMaxSpans,
      maxAttributeBytes: config.ingestMaxAttributeBytes,
      maxBlobBytes: config.ingestMaxBlobBytes,
      maxTokens: config.ingestMaxTokens,
      traceAttributeMaxBytes: config.traceAttributeMaxBytes,
    },
    redaction,
  });
}
