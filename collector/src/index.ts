export type { ApiKeyLookup, ApiKeyRecord, KeyResolver } from "./auth.ts";
export { createKeyResolver, keyFromHeaders } from "./auth.ts";
export type { CollectorConfig, CollectorConfigOverrides, IngestAuthConfig, IngestLimits } from "./config.ts";
export {
  CollectorConfigSchema,
  collectorConfigFromEnv,
  DEFAULT_LIMITS,
  resolveCollectorConfig,
} from "./config.ts";
export { HttpError } from "./http/errors.ts";
export type { IngestOutcome, Ingestor, IngestorOptions, IngestSink } from "./ingest.ts";
export { createIngestor } from "./ingest.ts";
export type { LogFields, Logger, LoggerOptions, LogLevel } from "./logger.ts";
export { createLogger, LOG_LEVELS } from "./logger.ts";
export type { Pricer } from "./mapping/cost.ts";
export { applyCost, catalogPricer, defaultPricer } from "./mapping/cost.ts";
export type { MappedSpans, MapSpansOptions } from "./mapping/map-spans.ts";
export { mapSpans } from "./mapping/map-spans.ts";
export type { RejectReason } from "./mapping/notes.ts";
export { IngestNotes } from "./mapping/notes.ts";
export type { StoredSpan } from "./mapping/stored-spans.ts";
export { TraceMemory } from "./mapping/trace-memory.ts";
export type { BlobSink, ExtractMediaOptions } from "./media.ts";
export { extractMedia, safeMimeType } from "./media.ts";
export type { Counter, Gauge, GaugeCollect, Histogram, Labels, MetricsRegistry } from "./metrics.ts";
export { createMetricsRegistry, DEFAULT_SECONDS_BUCKETS, METRIC, METRICS_CONTENT_TYPE } from "./metrics.ts";
export { decodeTraceRequest } from "./otlp/decode.ts";
export type { OtlpEncoding, PartialSuccess } from "./otlp/encode.ts";
export { encodeExportResponse, encodeStatus } from "./otlp/encode.ts";
export type { Attributes, AttributeValue, DecodedSpan, DecodeLimits, SpanEvent } from "./otlp/types.ts";
export { DecodeError } from "./otlp/types.ts";
export type { ReadinessCheck, ReadinessReport } from "./readiness.ts";
export { pingReadiness, runReadiness, spoolReadiness } from "./readiness.ts";
export type { RedactionConfig, RedactionPolicy } from "./redact/policy.ts";
export { parseRedactionConfig, policyFor, REDACTION_OFF } from "./redact/policy.ts";
export type { Redactor } from "./redact/redactor.ts";
export { createRedactor, redactGeneration } from "./redact/redactor.ts";
export type { Collector, CollectorOptions } from "./server.ts";
export { createCollector, encodingOf } from "./server.ts";
export type {
  IngestBatch,
  SegmentContents,
  SegmentInfo,
  Spool,
  SpooledBatch,
  SpoolOptions,
  SpoolRecord,
  SpoolSpan,
  SpoolStats,
} from "./spool/index.ts";
export {
  createSpool,
  SPOOL_METRIC,
  SpoolClosedError,
  SpoolFullError,
  SpoolLockedError,
  SpoolRecordTooLargeError,
  spoolBatch,
  unspoolBatch,
} from "./spool/index.ts";
export type { Sweeper, SweeperOptions } from "./sweeper.ts";
export { createSweeper, DEFAULT_PENDING_TIMEOUT_MS, SWEEPER_METRIC } from "./sweeper.ts";
export type { Writer, WriterOptions, WriterSink, WriterStats } from "./writer/index.ts";
export { createWriter, isRetryableWriteError, WRITER_METRIC } from "./writer/index.ts";
