import { PENDING_SPAN_NAME } from "@genledger/core";
import { context, TraceFlags } from "@opentelemetry/api";
import { ExportResultCode, suppressTracing } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";
import { errorMessage, type Logger } from "./log.ts";

/** Limits and timing of {@link GenledgerSpanProcessor}. */
export interface SpanProcessorOptions {
  maxQueueSize: number;
  maxPendingQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
  exportTimeoutMs: number;
  /** Where the spans go, for log messages. */
  destination: string;
}

/** Export counters. */
export interface ProcessorStats {
  exported: number;
  droppedQueueFull: number;
  droppedExportFailed: number;
  queued: number;
}

/**
 * One bounded queue with at most one export in flight. Drops, never blocks: a full queue or a
 * failed export loses spans, counted, and the application carries on.
 */
class Lane {
  private queue: ReadableSpan[] = [];
  private inFlight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly name: string;
  private readonly maxSize: number;
  private readonly delayMs: number;
  private readonly owner: GenledgerSpanProcessor;

  constructor(name: string, maxSize: number, delayMs: number, owner: GenledgerSpanProcessor) {
    this.name = name;
    this.maxSize = maxSize;
    this.delayMs = delayMs;
    this.owner = owner;
  }

  get size(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  push(span: ReadableSpan): void {
    if (this.queue.length >= this.maxSize) {
      this.owner.dropped("queue", 1, `the ${this.name} queue is full (${this.maxSize} spans)`);
      return;
    }
    this.queue.push(span);
    this.schedule();
  }

  private schedule(): void {
    if (this.inFlight) return;
    // A full batch goes now, timer or not: a busy process may not turn its event loop for a while.
    if (this.queue.length >= this.owner.batchSize) {
      this.exportNext();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.exportNext();
    }, this.delayMs);
    // Pending spans must not keep the process alive: beforeExit flushes them.
    this.timer.unref?.();
  }

  private exportNext(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.owner.batchSize);
    this.inFlight = this.owner.send(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.inFlight;
  }

  /** Exports everything queued now, batch after batch. */
  async drain(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      await (this.inFlight ?? this.exportNext());
    }
  }

  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The span processor of genledger's private tracer provider. Pending markers (spans named
 * `PENDING_SPAN_NAME`) go out at once, so a pending record reaches the collector while the
 * generation runs; other spans are batched. Both queues are bounded.
 */
export class GenledgerSpanProcessor implements SpanProcessor {
  readonly batchSize: number;
  private readonly markers: Lane;
  private readonly spans: Lane;
  private readonly counters = { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
  private isShutdown = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly exporter: SpanExporter;
  private readonly options: SpanProcessorOptions;
  private readonly log: Logger;

  constructor(exporter: SpanExporter, options: SpanProcessorOptions, log: Logger) {
    this.exporter = exporter;
    this.options = options;
    this.log = log;
    this.batchSize = Math.max(1, Math.min(options.maxExportBatchSize, options.maxQueueSize));
    this.markers = new Lane("pending-marker", options.maxPendingQueueSize, 0, this);
    this.spans = new Lane("span", options.maxQueueSize, options.scheduledDelayMs, this);
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.isShutdown) return;
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    try {
      if (span.name === PENDING_SPAN_NAME) this.markers.push(span);
      else this.spans.push(span);
    } catch (error) {
      this.log.once("processor-onEnd", "warn", `could not queue a span: ${errorMessage(error)}`);
    }
  }

  /** Counts lost spans; says so once per cause, so a down collector cannot flood the app's logs. */
  dropped(cause: "queue" | "export", count: number, why: string): void {
    if (cause === "queue") this.counters.droppedQueueFull += count;
    else this.counters.droppedExportFailed += count;
    this.log.once(
      `dropped-${cause}`,
      "warn",
      `dropping spans: ${why} (collector ${this.options.destination}). The application is unaffected; ` +
        "further drops are only counted (see stats()).",
    );
  }

  /** Hands one batch to the exporter, bounded by the export timeout. Never rejects. */
  send(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = (ok: boolean, why?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (ok) this.counters.exported += batch.length;
        else this.dropped("export", batch.length, why ?? "export failed");
        resolve();
      };
      const timer = setTimeout(
        () => finish(false, `an export took longer than ${this.options.exportTimeoutMs} ms`),
        this.options.exportTimeoutMs + 1_000,
      );
      timer.unref?.();
      try {
        // The exporter's own HTTP request must not be traced (and exported, and traced...).
        context.with(suppressTracing(context.active()), () =>
          this.exporter.export(batch, (result) =>
            finish(
              result.code === ExportResultCode.SUCCESS,
              result.error ? `export failed: ${errorMessage(result.error)}` : "export failed",
            ),
          ),
        );
      } catch (error) {
        finish(false, `export threw: ${errorMessage(error)}`);
      }
    });
  }

  /** True when spans wait or an export runs. */
  get hasWork(): boolean {
    return this.markers.size > 0 || this.spans.size > 0 || this.markers.busy || this.spans.busy;
  }

  stats(): ProcessorStats {
    return { ...this.counters, queued: this.markers.size + this.spans.size };
  }

  async forceFlush(): Promise<void> {
    await Promise.all([this.markers.drain(), this.spans.drain()]);
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      await this.forceFlush();
      this.isShutdown = true;
      this.markers.clearTimer();
      this.spans.clearTimer();
      await this.exporter.shutdown().catch(() => undefined);
    })();
    return this.shutdownPromise;
  }
}
