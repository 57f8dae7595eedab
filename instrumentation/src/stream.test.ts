import { ATTR } from "@genledger/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { jsonSchema, streamObject, streamText } from "ai";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { newGeneration, withGeneration, withGenerationContext } from "./context.ts";
import {
  chatModel,
  markerSpans,
  onlyGeneration,
  partStream,
  startCapture,
  textParts,
  usage,
} from "./test-helpers.ts";

const capture = startCapture();
afterAll(() => capture.stop());
beforeEach(() => capture.reset());

const attr = (span: ReadableSpan, key: string) => span.attributes[key];
const json = (span: ReadableSpan, key: string) => JSON.parse(String(span.attributes[key]));

describe("streamText", () => {
  it("records a consumed stream with output, usage, cost and time to first token", async () => {
    const model = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["Hel", "lo", " there"], usage(400, 30)), 5) }),
    });
    const gen = newGeneration({ userId: "streamer" });
    const result = withGeneration(gen, () => streamText({ model, prompt: "greet" }));
    // Consumed outside the scope that started it: the generation keeps its ID and user.
    expect(await result.text).toBe("Hello there");
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.generationId)).toBe(gen.id);
    expect(attr(span, ATTR.userId)).toBe("streamer");
    expect(attr(span, ATTR.operation)).toBe("streamText");
    expect(attr(span, ATTR.status)).toBe("complete");
    expect(json(span, "gen_ai.output.messages")[0].parts).toEqual([{ type: "text", content: "Hello there" }]);
    expect(attr(span, "gen_ai.usage.output_tokens")).toBe(30);
    expect(attr(span, ATTR.costTotal)).toBe(400 * 150 + 30 * 600);
    const ttft = Number(attr(span, ATTR.ttftMs));
    expect(ttft).toBeGreaterThanOrEqual(4);
    expect(ttft).toBeLessThan(1000);
    expect(attr(span, ATTR.partialOutput)).toBeUndefined();
  });

  it("exports the pending marker while the stream is still running", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const model = chatModel({
      doStream: async () => ({
        stream: new ReadableStream({
          async start(controller) {
            controller.enqueue({ type: "stream-start", warnings: [] });
            controller.enqueue({ type: "text-start", id: "t" });
            controller.enqueue({ type: "text-delta", id: "t", delta: "waiting" });
            await gate;
            controller.enqueue({ type: "text-end", id: "t" });
            controller.enqueue({
              type: "finish",
              finishReason: { unified: "stop", raw: "stop" },
              usage: usage(),
            });
            controller.close();
          },
        }),
      }),
    });
    const gen = newGeneration();
    const result = withGeneration(gen, () => streamText({ model, prompt: "slow" }));
    const done = result.consumeStream();
    // No flush: the marker lane sends on its own, within a few milliseconds.
    const deadline = Date.now() + 2_000;
    while (markerSpans(capture.exporter.getFinishedSpans(), gen.id).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const [marker] = markerSpans(capture.exporter.getFinishedSpans(), gen.id);
    expect(marker).toBeDefined();
    expect(attr(marker!, ATTR.status)).toBe("pending");
    expect(onlyGenerationOrNone(capture.exporter.getFinishedSpans())).toBeUndefined();
    release();
    await done;
    expect(attr(onlyGeneration(await capture.spans()), ATTR.status)).toBe("complete");
  });

  it("records an aborted stream as aborted, with the partial output received", async () => {
    const model = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["The ", "answer ", "is ", "forty-two."]), 15) }),
    });
    const controller = new AbortController();
    const result = withGenerationContext({ userId: "impatient" }, () =>
      streamText({ model, prompt: "answer?", abortSignal: controller.signal }),
    );
    let received = "";
    try {
      for await (const text of result.textStream) {
        received += text;
        if (received.length >= "The answer ".length) controller.abort();
      }
    } catch {
      // the abort surfaces here or ends the stream, depending on timing
    }
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.status)).toBe("aborted");
    expect(attr(span, ATTR.userId)).toBe("impatient");
    const partial = json(span, ATTR.partialOutput);
    expect(partial[0].role).toBe("assistant");
    expect(partial[0].finish_reason).toBe("aborted");
    const text = partial[0].parts[0].content as string;
    expect(text.startsWith("The answer ")).toBe(true);
    expect(text).not.toContain("forty-two");
    expect(attr(span, ATTR.costTotal)).toBeUndefined();
  });

  it("records an error chunk mid-stream with its message and the partial output", async () => {
    const model = chatModel({
      doStream: async () => ({
        stream: partStream([
          { type: "stream-start", warnings: [] },
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: "Partial an" },
          { type: "error", error: new Error("upstream connection reset") },
        ]),
      }),
    });
    const result = streamText({ model, prompt: "x", onError: () => {} });
    await result.consumeStream();
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.status)).toBe("error");
    expect(attr(span, ATTR.error)).toBe("upstream connection reset");
    expect(json(span, ATTR.partialOutput)[0].parts).toEqual([{ type: "text", content: "Partial an" }]);
    expect(span.status.code).toBe(2);
  });

  it("records a provider that fails before streaming", async () => {
    const model = chatModel({
      doStream: async () => {
        throw new Error("invalid api key");
      },
    });
    const result = streamText({ model, prompt: "x", maxRetries: 0, onError: () => {} });
    await result.consumeStream();
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.status)).toBe("error");
    expect(attr(span, ATTR.error)).toBe("invalid api key");
    expect(markerSpans(await capture.spans())).toHaveLength(1);
  });
});

describe("streamObject", () => {
  it("records the streamed object", async () => {
    const model = chatModel({
      doStream: async () => ({ stream: partStream(textParts(['{"city":', '"Oslo"}'], usage(50, 10)), 2) }),
    });
    const result = streamObject({ model, prompt: "a city", schema: jsonSchema({ type: "object" }) });
    for await (const _ of result.partialObjectStream) {
      // consume
    }
    expect(await result.object).toEqual({ city: "Oslo" });
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.operation)).toBe("streamObject");
    expect(json(span, ATTR.outputObject)).toEqual({ city: "Oslo" });
    expect(attr(span, ATTR.costTotal)).toBe(50 * 150 + 10 * 600);
    expect(Number(attr(span, ATTR.ttftMs))).toBeGreaterThanOrEqual(0);
  });
});

function onlyGenerationOrNone(spans: ReadableSpan[]): ReadableSpan | undefined {
  return spans.find((s) => s.name.startsWith("invoke_agent"));
}
