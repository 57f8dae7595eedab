import type { SpanExporter } from "@opentelemetry/sdk-trace";

/** How much the instrumentation logs (to stderr, prefixed `[genledger]`). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/**
 * Settings of {@link init}. Every field is optional: unset fields come from the environment
 * variable named in its documentation, then from the default. A bad environment value is reported
 * once as a warning and the default is used: the instrumentation never stops the application.
 */
export interface GenledgerOptions {
  /**
   * Base URL of the genledger collector; spans go to `<endpoint>/v1/traces`.
   * Env: `GENLEDGER_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`. Default `http://localhost:4318`.
   */
  endpoint?: string;
  /** Full traces URL; overrides `endpoint`. Env: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. */
  tracesEndpoint?: string;
  /** Ingest key, sent as `Authorization: Bearer <key>`. Env: `GENLEDGER_API_KEY`. */
  apiKey?: string;
  /** Extra export headers. Env: `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,key2=value2`). */
  headers?: Record<string, string>;
  /** Name of this service, kept as the `service.name` resource attribute. Env: `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /**
   * Dashboard address used by {@link newGeneration} to build `url`.
   * Env: `GENLEDGER_DASHBOARD_URL`. Default `http://localhost:3000`.
   */
  dashboardUrl?: string;
  /** Turn everything off without removing the import. Env: `GENLEDGER_DISABLED` (`true`/`false`). Default false. */
  disabled?: boolean;
  /** Env: `GENLEDGER_LOG_LEVEL` (`debug`, `info`, `warn`, `error`, `silent`). Default `info`. */
  logLevel?: LogLevel;
  /** JSON file of price overrides for call-time cost. Env: `GENLEDGER_PRICES_FILE`. Default: built-in prices only. */
  pricesFile?: string;
  /** Most finished spans waiting for export; beyond it new spans are dropped and counted. Default 2,048. */
  maxQueueSize?: number;
  /** Most pending-marker spans waiting for export (they are sent at once). Default 512. */
  maxPendingQueueSize?: number;
  /** Spans per export request. Default 512. */
  maxExportBatchSize?: number;
  /** How long finished spans may wait to fill a batch, in ms. Default 1,000. */
  scheduledDelayMs?: number;
  /** How long one export may take (retries included) before its spans count as dropped, in ms. Default 5,000. */
  exportTimeoutMs?: number;
  /** How long a SIGTERM waits for the last spans to leave before the process exits, in ms. Default 2,000. */
  shutdownTimeoutMs?: number;
  /** Flush on `beforeExit` and SIGTERM. Default true. */
  flushOnExit?: boolean;
  /** Send spans here instead of the OTLP/HTTP exporter (tests, custom sinks). */
  exporter?: SpanExporter;
}

/**
 * Who and what a generation belongs to. Set it around code with {@link withGenerationContext},
 * for one planned call with {@link newGeneration}, or per call (`runtimeContext.genledger`).
 */
export interface GenerationContext {
  /** The end user the generation serves (`genledger.user.id`). */
  userId?: string;
  /** A conversation or session (`genledger.session.id`). */
  sessionId?: string;
  /** Free labels (`genledger.tags`). A nearer scope replaces the tags of an outer one. */
  tags?: string[];
  /** The feature that made the call (`genledger.function.id`); the AI SDK's `telemetry.functionId` wins. */
  functionId?: string;
  /** String key/values (`genledger.metadata.<key>`); merged with outer scopes, nearer keys win. */
  metadata?: Record<string, string>;
}

/** A generation whose ID exists before the provider is called: see {@link newGeneration}. */
export interface PlannedGeneration extends GenerationContext {
  /** The generation ID (nanoid, 21 characters). */
  readonly id: string;
  /** Its dashboard page, `<dashboard>/generation/<id>`: redirect a user there before the call. */
  readonly url: string;
}

/** Counters of the export pipeline, from {@link stats}. */
export interface GenledgerStats {
  /** Spans handed to the exporter successfully. */
  exported: number;
  /** Spans lost: queue full or export failed. */
  dropped: number;
  /** Spans dropped because a queue was full (the collector is slow or down). */
  droppedQueueFull: number;
  /** Spans dropped because their export failed. */
  droppedExportFailed: number;
  /** Spans waiting for export now. */
  queued: number;
  /** Generations recorded since start. */
  generations: number;
}
