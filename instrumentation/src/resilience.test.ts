import { ATTR } from "@genledger/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { generateText, streamText } from "ai";
import { afterAll, expect, it } from "vitest";
import { flush, init, shutdown, stats } from "./runtime.ts";
import { chatModel, partStream, textParts, textResult, usage } from "./test-helpers.ts";

/** An exporter that throws on every call, as a broken custom sink might. */
class ThrowingExporter implements SpanExporter {
  calls = 0;
  export(_spans: ReadableSpan[]): void {
    this.calls++;
    throw new Error("exporter exploded");
  }
  async shutdown(): Promise<void> {}
}

const exporter = new ThrowingExporter();
init({ exporter, logLevel: "silent", scheduledDelayMs: 5, flushOnExit: false });
afterAll(() => shutdown());

it("keeps calls working when the exporter throws, and counts the loss", async () => {
  const result = await generateText({
    model: chatModel({ doGenerate: textResult("still fine") }),
    prompt: "hi",
  });
  expect(result.text).toBe("still fine");
  const streamed = await streamText({
    model: chatModel({ doStream: async () => ({ stream: partStream(textParts(["ok"])) }) }),
    prompt: "hi",
  }).text;
  expect(streamed).toBe("ok");
  await flush();
  expect(exporter.calls).toBeGreaterThan(0);
  expect(stats().droppedExportFailed).toBeGreaterThanOrEqual(8);
  expect(stats().exported).toBe(0);
});

it("records usage the catalog cannot price as unpriced instead of failing", async () => {
  // More cached tokens than input tokens: inconsistent, so unpriced (never a made-up cost).
  const odd = { ...usage(10, 5), inputTokens: { total: 10, noCache: 0, cacheRead: 50, cacheWrite: 0 } };
  const captured: ReadableSpan[] = [];
  const spy = exporter.export;
  exporter.export = (spans: ReadableSpan[]) => {
    captured.push(...spans);
    return spy.call(exporter, spans);
  };
  const result = await generateText({
    model: chatModel({ doGenerate: textResult("odd", odd) }),
    prompt: "hi",
  });
  expect(result.text).toBe("odd");
  await flush();
  const gen = captured.find((s) => s.name.startsWith("invoke_agent"));
  expect(gen?.attributes[ATTR.unpriced]).toBe(true);
  expect(gen?.attributes[ATTR.costTotal]).toBeUndefined();
});
