import { ATTR } from "@genledger/core";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { generateText } from "ai";
import { afterAll, expect, it } from "vitest";
import { chatModel, onlyGeneration, startCapture, textResult } from "./test-helpers.ts";

// The application's own OpenTelemetry setup (another vendor's), registered before genledger.
const theirExporter = new InMemorySpanExporter();
const theirProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: theirExporter })],
});
const theirContextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(theirContextManager);
trace.setGlobalTracerProvider(theirProvider);

const capture = startCapture();
afterAll(async () => {
  await capture.stop();
  await theirProvider.shutdown();
});

it("leaves a pre-registered tracer provider undisturbed and joins its traces", async () => {
  const theirTracer = trace.getTracer("their-app");
  await theirTracer.startActiveSpan("POST /chat", async (request) => {
    await generateText({ model: chatModel({ doGenerate: textResult("hi") }), prompt: "hello" });
    request.end();
  });

  // Theirs: still the global provider and context manager; their span exported by their exporter only.
  const delegate = (trace.getTracerProvider() as { getDelegate?: () => unknown }).getDelegate?.();
  expect(delegate).toBe(theirProvider);
  expect((context as unknown as { _getContextManager(): unknown })._getContextManager()).toBe(
    theirContextManager,
  );
  const theirs = theirExporter.getFinishedSpans();
  expect(theirs.map((s) => s.name)).toEqual(["POST /chat"]);

  // Ours: the generation, in their trace, under their request span; none of their spans.
  const ours = await capture.spans();
  expect(ours.some((s) => s.name === "POST /chat")).toBe(false);
  const gen = onlyGeneration(ours);
  expect(gen.attributes[ATTR.status]).toBe("complete");
  expect(gen.spanContext().traceId).toBe(theirs[0]!.spanContext().traceId);
  expect(gen.parentSpanContext?.spanId).toBe(theirs[0]!.spanContext().spanId);
});

it("keeps exporting theirs after genledger shuts down", async () => {
  await capture.stop();
  trace.getTracer("their-app").startSpan("after").end();
  expect(theirExporter.getFinishedSpans().map((s) => s.name)).toContain("after");
  const result = await generateText({
    model: chatModel({ doGenerate: textResult("not recorded") }),
    prompt: "x",
  });
  expect(result.text).toBe("not recorded");
  // Unregistered from the AI SDK: nothing reaches either side.
  expect(capture.exporter.getFinishedSpans()).toHaveLength(0);
  expect(theirExporter.getFinishedSpans().some((s) => s.name.startsWith("invoke_agent"))).toBe(false);
});
