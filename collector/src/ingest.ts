import type { Generation } from "@genledger/core";
import type { CollectorConfig } from "./config.ts";
import type { Pricer } from "./mapping/cost.ts";
import { mapSpans } from "./mapping/map-spans.ts";
import { IngestNotes } from "./mapping/notes.ts";
import type { TraceMemory } from "./mapping/trace-memory.ts";
import { type BlobSink, extractMedia } from "./media.ts";
import { METRIC, type MetricsRegistry } from "./metrics.ts";
import type { DecodedSpan } from "./otlp/types.ts";
import { policyFor } from "./redact/policy.ts";
import { createRedactor, type Redactor, redactGeneration } from "./redact/redactor.ts";
import { spoolBatch } from "./spool/batch.ts";
import type { SpooledBatch } from "./spool/types.ts";

/** Where accepted batches go: the durable spool (`spool.append` resolves after fsync). */
export interface IngestSink {
  append(batch: SpooledBatch): Promise<void>;
}

/** What {@link createIngestor} needs. */
export interface IngestorOptions {
  config: CollectorConfig;
  sink: IngestSink;
  blobs: BlobSink;
  pricer: Pricer;
  traceMemory: TraceMemory;
  metrics: MetricsRegistry;
}

/** The outcome of one export request. */
export interface IngestOutcome {
  acceptedSpans: number;
  rejectedSpans: number;
  /** The partial-success message ("" when there is nothing to report). */
  message: string;
  generations: number;
  storedSpans: number;
}

/** Runs decoded spans through mapping, blob extraction, redaction and the spool. */
export interface Ingestor {
  ingest(projectId: string, spans: DecodedSpan[]): Promise<IngestOutcome>;
}

/**
 * The ingest pipeline: limit spans per request, map to records and stored spans (rejecting what
 * cannot be stored), move media to the blob store, redact PII for projects that ask for it,
 * validate and serialize every row for ClickHouse once (a record the store would refuse is rejected
 * here, named in the partial success, instead of failing later in the writer), and hand the batch
 * to the spool. When `ingest` resolves the batch is durable: answer 2xx only then.
 * Errors from the blob store or the spool propagate (the caller turns them into 503).
 */
export function createIngestor(options: IngestorOptions): Ingestor {
  const { config, metrics } = options;
  const redactors = new Map<string, Redactor | null>();
  const spansAccepted = metrics.counter(METRIC.spansAccepted, "Spans accepted into a batch");
  const spansRejected = metrics.counter(METRIC.spansRejected, "Spans rejected, by reason");
  const generationsAccepted = metrics.counter(
    METRIC.generationsAccepted,
    "Generation records handed to the spool",
  );
  const blobsStored = metrics.counter(METRIC.blobsStored, "Blobs moved to the blob store");
  const redactions = metrics.counter(METRIC.redactions, "PII redaction rule hits, by rule");

  function redactorFor(projectId: string): Redactor | null {
    let redactor = redactors.get(projectId);
    if (redactor === undefined) {
      const policy = policyFor(config.redaction, projectId);
      redactor = policy === null ? null : createRedactor(policy);
      redactors.set(projectId, redactor);
    }
    return redactor;
  }

  return {
    async ingest(projectId, decoded) {
      const notes = new IngestNotes();
      let spans = decoded;
      const max = config.limits.maxSpansPerRequest;
      if (spans.length > max) {
        notes.reject(
          "too_many_spans",
          `export had ${spans.length} spans, over the limit of ${max} per request (GENLEDGER_INGEST_MAX_SPANS); the last ${spans.length - max} were rejected: export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)`,
          spans.length - max,
        );
        spans = spans.slice(0, max);
      }
      const redactor = redactorFor(projectId);
      const mapped = mapSpans(spans, {
        projectId,
        limits: config.limits,
        notes,
        traceMemory: options.traceMemory,
        redactor,
        pricer: options.pricer,
      });
      const blobCount = await extractMedia(mapped.generations, options.blobs, {
        maxBlobBytes: config.limits.maxBlobBytes,
        notes,
      });
      if (redactor !== null) {
        for (const generation of mapped.generations) {
          for (const rule of redactGeneration(generation, redactor)) redactions.inc({ rule });
        }
        for (const rule of mapped.spanRedactions) redactions.inc({ rule });
      }
      const invalid = new Set<Generation>();
      const batch = spoolBatch(
        { projectId, generations: mapped.generations, spans: mapped.spans },
        Date.now(),
        (record) => {
          if ("generation" in record) {
            invalid.add(record.generation);
            notes.reject("invalid_record", `${record.error.message}; the span was rejected`);
          } else {
            notes.note(`${record.error.message}; the span is left out of the trace view`);
          }
        },
      );
      const kept = mapped.generations.filter((generation) => !invalid.has(generation));
      if (batch.generations.lines.length > 0 || batch.spans.length > 0) await options.sink.append(batch);
      const rejected = notes.rejectedSpans;
      spansAccepted.inc(undefined, decoded.length - rejected);
      for (const [reason, count] of notes.rejectedByReason) spansRejected.inc({ reason }, count);
      for (const generation of kept) generationsAccepted.inc({ status: generation.status });
      if (blobCount > 0) blobsStored.inc(undefined, blobCount);
      return {
        acceptedSpans: decoded.length - rejected,
        rejectedSpans: rejected,
        message: notes.message(),
        generations: kept.length,
        storedSpans: batch.spans.length,
      };
    },
  };
}
