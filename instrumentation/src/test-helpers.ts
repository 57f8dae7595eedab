// Shared by this package's tests: a capturing exporter and mock models (only the provider is mocked).
import { ATTR, PENDING_SPAN_NAME } from "@genledger/core";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { MockLanguageModelV4 } from "ai/test";
import { flush, init, shutdown } from "./runtime.ts";
import type { GenledgerOptions } from "./types.ts";

/** A V4 usage object. */
export function usage(input = 100, output = 50, extra: { cacheRead?: number; reasoning?: number } = {}) {
  return {
    inputTokens: {
      total: input,
      noCache: input - (extra.cacheRead ?? 0),
      cacheRead: extra.cacheRead ?? 0,
      cacheWrite: 0,
    },
    outputTokens: { total: output, text: output - (extra.reasoning ?? 0), reasoning: extra.reasoning ?? 0 },
  };
}

const stop = { unified: "stop" as const, raw: "stop" };

/** A generate result with one text part. */
export function textResult(text: string, u = usage(), modelId = "gpt-4o-mini-2024-07-18") {
  return {
    content: [{ type: "text" as const, text }],
    finishReason: stop,
    usage: u,
    warnings: [],
    response: { id: `resp-${text.length}`, modelId, timestamp: new Date(0) },
  };
}

/** Stream parts that spell `words`, then finish. */
export function textParts(words: string[], u = usage()) {
  return [
    { type: "stream-start" as const, warnings: [] },
    { type: "text-start" as const, id: "t" },
    ...words.map((delta) => ({ type: "text-delta" as const, id: "t", delta })),
    { type: "text-end" as const, id: "t" },
    { type: "finish" as const, finishReason: stop, usage: u },
  ];
}

/** A ReadableStream of `parts`, one every `delayMs` (0: all at once). */
export function partStream<T>(parts: T[], delayMs = 0): ReadableStream<T> {
  return new ReadableStream<T>({
    async start(controller) {
      for (const part of parts) {
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
        controller.enqueue(part);
      }
      controller.close();
    },
  });
}

/** A mock chat model priced by the built-in catalog (openai gpt-4o-mini). */
export function chatModel(options: ConstructorParameters<typeof MockLanguageModelV4>[0] = {}) {
  return new MockLanguageModelV4({ provider: "openai.chat", modelId: "gpt-4o-mini", ...options });
}

/** Starts the instrumentation with an in-memory exporter; `spans()` flushes and returns what was exported. */
export function startCapture(options: GenledgerOptions = {}) {
  // The SDK prints call warnings (and generateObject's deprecation); tests assert them instead.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const exporter = new InMemorySpanExporter();
  init({ exporter, scheduledDelayMs: 5, logLevel: "silent", flushOnExit: false, ...options });
  return {
    exporter,
    async spans(): Promise<ReadableSpan[]> {
      await flush();
      return exporter.getFinishedSpans();
    },
    /** Sends what is queued, then forgets it: the next test starts clean. */
    async reset() {
      await flush();
      exporter.reset();
    },
    stop: () => shutdown(),
  };
}

/** Generation spans (not pending markers), optionally of one ID. */
export function generationSpans(spans: ReadableSpan[], id?: string): ReadableSpan[] {
  return spans.filter(
    (s) =>
      s.name !== PENDING_SPAN_NAME &&
      s.attributes[ATTR.generationId] !== undefined &&
      (id === undefined || s.attributes[ATTR.generationId] === id),
  );
}

/** Pending markers, optionally of one ID. */
export function markerSpans(spans: ReadableSpan[], id?: string): ReadableSpan[] {
  return spans.filter(
    (s) => s.name === PENDING_SPAN_NAME && (id === undefined || s.attributes[ATTR.generationId] === id),
  );
}

/** The one generation span there must be. */
export function onlyGeneration(spans: ReadableSpan[]): ReadableSpan {
  const found = generationSpans(spans);
  if (found.length !== 1)
    throw new Error(`expected one generation span, got ${found.map((s) => s.name).join(", ")}`);
  return found[0]!;
}
