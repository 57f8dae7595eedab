import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { GenledgerOptions, LogLevel } from "./types.ts";

/** {@link GenledgerOptions} with every value settled. */
export interface ResolvedConfig {
  tracesUrl: string;
  headers: Record<string, string>;
  serviceName: string;
  dashboardUrl: string;
  disabled: boolean;
  logLevel: LogLevel;
  pricesFile: string | undefined;
  maxQueueSize: number;
  maxPendingQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
  exportTimeoutMs: number;
  shutdownTimeoutMs: number;
  flushOnExit: boolean;
  exporter: SpanExporter | undefined;
  /** Problems found in the environment, to log once the logger exists. */
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_ENDPOINT = "http://localhost:4318";
const DEFAULT_DASHBOARD = "http://localhost:3000";
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

/**
 * Settles the configuration: explicit options, then environment, then defaults. Lenient, as a
 * library inside someone else's process should be: a bad value becomes a warning and the default.
 */
export function resolveConfig(options: GenledgerOptions = {}, env: Env = process.env): ResolvedConfig {
  const warnings: string[] = [];

  const url = (name: string, value: string | undefined, fallback: string | undefined) => {
    if (value === undefined || value.trim() === "") return fallback;
    try {
      const parsed = new URL(value.trim());
      if (parsed.protocol === "http:" || parsed.protocol === "https:")
        return value.trim().replace(/\/+$/, "");
    } catch {
      // reported below
    }
    warnings.push(`${name} must be an http(s) URL; using ${fallback ?? "nothing"} instead`);
    return fallback;
  };
  const bool = (name: string, value: string | undefined, fallback: boolean) => {
    if (value === undefined || value.trim() === "") return fallback;
    const v = value.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
    warnings.push(`${name} must be true or false (got "${value}"); using ${fallback}`);
    return fallback;
  };
  const positive = (name: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (Number.isFinite(value) && value > 0) return Math.floor(value);
    warnings.push(`${name} must be a positive number (got ${value}); using ${fallback}`);
    return fallback;
  };

  const endpoint =
    url("endpoint", options.endpoint, undefined) ??
    url("GENLEDGER_ENDPOINT", env.GENLEDGER_ENDPOINT, undefined) ??
    url("OTEL_EXPORTER_OTLP_ENDPOINT", env.OTEL_EXPORTER_OTLP_ENDPOINT, DEFAULT_ENDPOINT) ??
    DEFAULT_ENDPOINT;
  const tracesUrl =
    url("tracesEndpoint", options.tracesEndpoint, undefined) ??
    url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, undefined) ??
    `${endpoint}/v1/traces`;

  const headers: Record<string, string> = {};
  for (const pair of (env.OTEL_EXPORTER_OTLP_HEADERS ?? "").split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    if (at <= 0) {
      warnings.push(
        "OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas; ignoring a bad pair",
      );
      continue;
    }
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  Object.assign(headers, options.headers);
  const apiKey = options.apiKey ?? env.GENLEDGER_API_KEY;
  if (apiKey?.trim()) headers.Authorization = `Bearer ${apiKey.trim()}`;

  let logLevel: LogLevel = options.logLevel ?? "info";
  const envLevel = env.GENLEDGER_LOG_LEVEL?.trim().toLowerCase();
  if (options.logLevel === undefined && envLevel) {
    if ((LOG_LEVELS as readonly string[]).includes(envLevel)) logLevel = envLevel as LogLevel;
    else warnings.push(`GENLEDGER_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}; using info`);
  }

  return {
    tracesUrl,
    headers,
    serviceName: options.serviceName ?? env.OTEL_SERVICE_NAME?.trim() ?? "",
    dashboardUrl:
      url("dashboardUrl", options.dashboardUrl, undefined) ??
      url("GENLEDGER_DASHBOARD_URL", env.GENLEDGER_DASHBOARD_URL, DEFAULT_DASHBOARD) ??
      DEFAULT_DASHBOARD,
    disabled: options.disabled ?? bool("GENLEDGER_DISABLED", env.GENLEDGER_DISABLED, false),
    logLevel,
    pricesFile: options.pricesFile ?? (env.GENLEDGER_PRICES_FILE?.trim() || undefined),
    maxQueueSize: positive("maxQueueSize", options.maxQueueSize, 2048),
    maxPendingQueueSize: positive("maxPendingQueueSize", options.maxPendingQueueSize, 512),
    maxExportBatchSize: positive("maxExportBatchSize", options.maxExportBatchSize, 512),
    scheduledDelayMs: positive("scheduledDelayMs", options.scheduledDelayMs, 1_000),
    exportTimeoutMs: positive("exportTimeoutMs", options.exportTimeoutMs, 5_000),
    shutdownTimeoutMs: positive("shutdownTimeoutMs", options.shutdownTimeoutMs, 2_000),
    flushOnExit: options.flushOnExit ?? true,
    exporter: options.exporter,
    warnings,
  };
}

/** The dashboard address from the environment alone, for IDs made before (or without) {@link init}. */
export function dashboardUrlFromEnv(env: Env = process.env): string {
  return resolveConfig({}, env).dashboardUrl;
}
