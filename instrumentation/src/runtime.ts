import { context, createContextKey, ROOT_CONTEXT, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOnSampler, TracerProvider } from "@opentelemetry/sdk-trace";
import { registerTelemetry, type Telemetry } from "ai";
import type { CallState } from "./call-state.ts";
import { type ResolvedConfig, resolveConfig } from "./config.ts";
import { GenledgerIntegration } from "./integration.ts";
import { createLogger, errorMessage, type Logger } from "./log.ts";
import type { MarkerSink } from "./marker.ts";
import { type CostOutcome, createPricer, type Pricer } from "./pricing.ts";
import { shared } from "./shared.ts";
import { GenledgerSpanProcessor } from "./span-processor.ts";
import type { GenledgerOptions, GenledgerStats } from "./types.ts";
import { VERSION } from "./version.ts";

/** The running instrumentation. */
export interface Runtime {
  config: ResolvedConfig;
  log: Logger;
  /** Undefined when disabled. */
  active:
    | {
        provider: TracerProvider;
        processor: GenledgerSpanProcessor;
        /** Scope `gen_ai`: the AI SDK's spans. */
        tracer: Tracer;
        /**
         * Scope `genledger`: spans genledger makes itself (image generations), so a collector does
         * not take them for the AI SDK's inner spans.
         */
        ownTracer: Tracer;
        /** Pending markers go straight to the processor. */
        markers: MarkerSink;
        integration: GenledgerIntegration;
        pricer: Pricer;
        removeExitHooks: () => void;
      }
    | undefined;
  generations: number;
}

/** The started runtime, if any. */
export function getRuntime(): Runtime | undefined {
  return shared().runtime as Runtime | undefined;
}

/**
 * AI SDK spans are parented through the OpenTelemetry context. Without a context manager nothing
 * propagates; install the AsyncLocalStorage one unless the application already has one.
 */
function ensureContextManager(): void {
  const probe = createContextKey("genledger.context-probe");
  const works = context.with(
    ROOT_CONTEXT.setValue(probe, true),
    () => context.active().getValue(probe) === true,
  );
  if (!works) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** Counts a generation that ended and tells the budget counters what it cost. */
export function finishGeneration(state: CallState, outcome: CostOutcome): void {
  const runtime = getRuntime();
  if (!runtime) return;
  state.ended = true;
  runtime.generations++;
  const listeners = shared().finishListeners;
  if (listeners.size === 0) return;
  const finished = {
    id: state.id,
    userId: state.userId,
    functionId: state.functionId,
    provider: state.provider,
    model: state.modelId,
    costNanos: !state.cache && outcome.kind === "priced" ? outcome.totalNanos : undefined,
    finishedAt: new Date(),
  };
  for (const listener of listeners) {
    try {
      Promise.resolve(listener(finished)).catch((error) =>
        runtime.log.once("listener", "warn", `a budget counter update failed: ${errorMessage(error)}`),
      );
    } catch (error) {
      runtime.log.once("listener", "warn", `a budget counter update failed: ${errorMessage(error)}`);
    }
  }
}

function installExitHooks(runtime: Runtime, processor: GenledgerSpanProcessor): () => void {
  if (!runtime.config.flushOnExit) return () => {};
  // beforeExit fires again after the flush's I/O; flush only while there is something to send.
  const onBeforeExit = () => {
    if (processor.hasWork) void processor.forceFlush();
  };
  const onSigterm = () => {
    // Listening to SIGTERM cancels Node's default exit: unless the application listens too (and
    // decides itself), exit the default way once the last spans left or the time is up.
    const othersListen = process.listenerCount("SIGTERM") > 1;
    void flushWithin(processor, runtime.config.shutdownTimeoutMs).finally(() => {
      if (othersListen) return;
      process.removeListener("SIGTERM", onSigterm);
      process.kill(process.pid, "SIGTERM");
    });
  };
  process.on("beforeExit", onBeforeExit);
  process.on("SIGTERM", onSigterm);
  return () => {
    process.removeListener("beforeExit", onBeforeExit);
    process.removeListener("SIGTERM", onSigterm);
  };
}

function flushWithin(processor: GenledgerSpanProcessor, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    processor.forceFlush().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => resolve(),
    );
  });
}

/**
 * Starts the instrumentation: registers genledger's AI SDK telemetry integration and a private
 * OpenTelemetry tracer provider exporting to the collector. Idempotent: a second call returns
 * without changing anything. Never throws: a failure is logged ("not instrumented") and the
 * application runs on uninstrumented.
 *
 * The provider is private on purpose: an OpenTelemetry setup the application already has (another
 * vendor's provider, exporters, samplers) is left untouched, and genledger's spans still join the
 * application's traces through the shared context.
 */
export function init(options: GenledgerOptions = {}): void {
  const holder = shared();
  if (holder.runtime) return;
  let log: Logger | undefined;
  try {
    const config = resolveConfig(options);
    log = createLogger(config.logLevel);
    for (const warning of config.warnings) log.warn(warning);
    const runtime: Runtime = { config, log, active: undefined, generations: 0 };
    if (config.disabled) {
      holder.runtime = runtime;
      log.info("disabled (GENLEDGER_DISABLED); AI SDK calls are not recorded");
      return;
    }
    const exporter =
      config.exporter ??
      new OTLPTraceExporter({
        url: config.tracesUrl,
        headers: config.headers,
        timeoutMillis: config.exportTimeoutMs,
      });
    const processor = new GenledgerSpanProcessor(
      exporter,
      {
        maxQueueSize: config.maxQueueSize,
        maxPendingQueueSize: config.maxPendingQueueSize,
        maxExportBatchSize: config.maxExportBatchSize,
        scheduledDelayMs: config.scheduledDelayMs,
        exportTimeoutMs: config.exportTimeoutMs,
        destination: config.exporter ? "custom exporter" : config.tracesUrl,
      },
      log,
    );
    const resource = resourceFromAttributes({
      "service.name": config.serviceName || "unknown_service:node",
      "telemetry.distro.name": "genledger",
      "telemetry.distro.version": VERSION,
    });
    const provider = new TracerProvider({
      resource,
      // Every generation is kept: a sampled-out parent from the application must not drop it.
      sampler: new AlwaysOnSampler(),
      spanLimits: { attributeCountLimit: 1024 },
      spanProcessors: [processor],
    });
    ensureContextManager();
    const tracer = provider.getTracer("gen_ai", VERSION);
    const ownTracer = provider.getTracer("genledger", VERSION);
    const pricer = createPricer(config.pricesFile, log);
    const markers: MarkerSink = { emit: (span) => processor.onEnd(span), resource };
    const integration = new GenledgerIntegration({
      tracer,
      markers,
      pricer,
      log,
      onFinished: finishGeneration,
    });
    registerTelemetry(integration as unknown as Telemetry);
    const removeExitHooks = installExitHooks(runtime, processor);
    runtime.active = {
      provider,
      processor,
      tracer,
      ownTracer,
      markers,
      integration,
      pricer,
      removeExitHooks,
    };
    holder.runtime = runtime;
    log.debug(`recording AI SDK generations to ${config.exporter ? "a custom exporter" : config.tracesUrl}`);
  } catch (error) {
    const message = `your application is not instrumented: ${errorMessage(error)}`;
    if (log) log.error(message);
    else console.error(`[genledger] ${message}`);
  }
}

/**
 * Sends every finished span now. Call it at the end of a serverless invocation (the process may be
 * frozen before the batch timer fires). Never rejects.
 */
export async function flush(): Promise<void> {
  const active = getRuntime()?.active;
  if (!active) return;
  try {
    await active.processor.forceFlush();
  } catch {
    // forceFlush does not reject; a misbehaving exporter must not reach the caller either.
  }
}

/**
 * Flushes, stops exporting and unregisters genledger from the AI SDK. After it, {@link init} may
 * start again. Never rejects.
 */
export async function shutdown(): Promise<void> {
  const holder = shared();
  const runtime = holder.runtime as Runtime | undefined;
  if (!runtime) return;
  holder.runtime = undefined;
  const active = runtime.active;
  if (!active) return;
  active.removeExitHooks();
  const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS;
  if (Array.isArray(list)) {
    const at = list.indexOf(active.integration);
    if (at >= 0) list.splice(at, 1);
  }
  try {
    await active.provider.shutdown();
  } catch {
    // already logged by the processor
  }
}

/** Export counters since start (all zero when not started or disabled). */
export function stats(): GenledgerStats {
  const runtime = getRuntime();
  const s = runtime?.active?.processor.stats();
  return {
    exported: s?.exported ?? 0,
    dropped: (s?.droppedQueueFull ?? 0) + (s?.droppedExportFailed ?? 0),
    droppedQueueFull: s?.droppedQueueFull ?? 0,
    droppedExportFailed: s?.droppedExportFailed ?? 0,
    queued: s?.queued ?? 0,
    generations: runtime?.generations ?? 0,
  };
}

let fallback: { pricer: Pricer; log: Logger } | undefined;

/** The runtime's pricer and logger, or quiet stand-ins when the instrumentation is not started. */
export function pricerAndLog(): { pricer: Pricer; log: Logger } {
  const runtime = getRuntime();
  if (runtime?.active) return { pricer: runtime.active.pricer, log: runtime.log };
  fallback ??= makeFallback();
  return runtime ? { pricer: fallback.pricer, log: runtime.log } : fallback;
}

function makeFallback(): { pricer: Pricer; log: Logger } {
  const log = createLogger(resolveConfig().logLevel);
  return { pricer: createPricer(resolveConfig().pricesFile, log), log };
}
