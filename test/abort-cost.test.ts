import {
  DEFAULT_LIMITS,
  decodeTraceRequest,
  defaultPricer,
  IngestNotes,
  mapSpans,
} from "@genledger/collector";
import { ATTR, type Generation } from "@genledger/core";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { generateText, streamText } from "ai";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  chatModel,
  onlyGeneration,
  partStream,
  startCapture,
  textParts,
  usage,
} from "../instrumentation/src/test-helpers.ts";

/**
 * Real AI SDK calls (mock models only) -> the genledger instrumentation -> OTLP protobuf -> the
 * collector's decoding and mapping: a generation whose provider never reported usage must not be
 * priced at 0.
 */

const capture = startCapture();
afterAll(() => capture.stop());
beforeEach(() => capture.reset());

async function collected(): Promise<Generation> {
  const spans = await capture.spans();
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (body === undefined) throw new Error("the spans did not serialize");
  const decoded = decodeTraceRequest(body, "protobuf", { maxAttributeBytes: 1024 * 1024 });
  const { generations } = mapSpans(decoded, {
    projectId: "p",
    limits: DEFAULT_LIMITS,
    notes: new IngestNotes(),
    pricer: defaultPricer,
  });
  const finals = generations.filter((generation) => generation.status !== "pending");
  expect(finals).toHaveLength(1);
  return finals[0] as Generation;
}

describe("a generation without reported usage, through instrumentation and collector", () => {
  it("a stream aborted before the finish chunk: no cost on the span, unpriced with a warning in the record", async () => {
    const model = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["The ", "answer ", "is ", "forty-two."]), 15) }),
    });
    const controller = new AbortController();
    const result = streamText({ model, prompt: "answer?", abortSignal: controller.signal });
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
    // The instrumentation claims nothing: no cost attributes, no usage.
    expect(span.attributes[ATTR.costTotal]).toBeUndefined();
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBeUndefined();
    const generation = await collected();
    expect(generation).toMatchObject({ status: "aborted", cost: null, unpriced: true, priceEntry: "" });
    expect(generation.warnings).toContain(
      "no token usage reported (aborted before the provider sent usage): cost unknown",
    );
  });

  it("a call that fails before usage: unpriced, never 0", async () => {
    const model = chatModel({
      doGenerate: async () => {
        throw new Error("upstream reset");
      },
    });
    await expect(generateText({ model, prompt: "x", maxRetries: 0 })).rejects.toThrow("upstream reset");
    const generation = await collected();
    expect(generation).toMatchObject({ status: "error", cost: null, unpriced: true });
    expect(generation.warnings[0]).toContain("failed before the provider sent usage");
  });

  it("a stream that closes without a finish chunk: complete but cost unknown", async () => {
    const model = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["a", "b"]).slice(0, -1), 1) }),
    });
    await streamText({ model, prompt: "x" }).consumeStream();
    const generation = await collected();
    expect(generation).toMatchObject({ status: "complete", cost: null, unpriced: true });
    expect(generation.warnings[0]).toContain("no token usage reported");
  });

  it("a provider that reports 0 tokens: a measurement, priced at 0", async () => {
    const model = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["ok"], usage(0, 0))) }),
    });
    await streamText({ model, prompt: "x" }).consumeStream();
    const generation = await collected();
    expect(generation).toMatchObject({
      status: "complete",
      unpriced: false,
      cost: { total: 0 },
      warnings: [],
    });
  });
});
