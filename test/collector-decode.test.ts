import { LegacyOpenTelemetry, OpenTelemetry } from "@ai-sdk/otel";
import type { IngestBatch } from "@genledger/collector";
import type { Generation } from "@genledger/core";
import { deriveGenerationId, priceGeneration, toRecordCost } from "@genledger/core";
import { context, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Telemetry } from "ai";
import { embed, generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { convertArrayToReadableStream, MockEmbeddingModelV4, MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CollectorHarness,
  HARNESS_KEY,
  HARNESS_PROJECT,
  startCollectorHarness,
} from "./support/collector-harness.ts";

/**
 * Real AI SDK calls (mock models only) -> the real AI SDK OpenTelemetry integrations -> the real
 * OTLP exporters (protobuf and JSON) -> the collector over HTTP -> the spool, read back.
 */

const usage = {
  inputTokens: { total: 1000, noCache: 800, cacheRead: 200, cacheWrite: 0 },
  outputTokens: { total: 500, text: 400, reasoning: 100 },
};
const PNG_IN = "iVBORw0KGgoAAAANSUhEUgAAAAE=";
const PNG_OUT = "iVBORw0KGgoAAAANSUhEUgAAAAI=";

function toolModel() {
  return new MockLanguageModelV4({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: [
      {
        content: [
          { type: "tool-call", toolCallId: "call-1", toolName: "weather", input: '{"city":"Paris"}' },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage,
        warnings: [],
        response: { id: "resp-1", modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date() },
      },
      {
        content: [
          { type: "text", text: "Sunny in Paris" },
          { type: "file", mediaType: "image/png", data: { type: "data", data: PNG_OUT } },
        ],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
        response: { id: "resp-2", modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date() },
      },
    ],
  });
}

/** Runs the four call kinds once through `integration` and exports the spans with `exporter`. */
async function runCalls(
  makeIntegration: (tracer: Tracer) => Telemetry,
  exporter: ProtoExporter | JsonExporter,
): Promise<void> {
  const provider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter, maxExportBatchSize: 512 })],
  });
  // The integration's own tracer name (`gen_ai` / `ai`) is what a collector sees as the scope.
  const integration = makeIntegration(
    provider.getTracer(makeIntegration.name === "legacy" ? "ai" : "gen_ai"),
  );
  const telemetry = { isEnabled: true, functionId: "weather-bot", integrations: [integration] };
  await generateText({
    model: toolModel(),
    system: "Answer briefly.",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Weather in Paris?" },
          { type: "file", mediaType: "image/png", data: PNG_IN },
        ],
      },
    ],
    tools: {
      weather: tool({
        description: "Current weather",
        inputSchema: jsonSchema<{ city: string }>({
          type: "object",
          properties: { city: { type: "string" } },
        }),
        execute: async ({ city }) => ({ city, celsius: 21 }),
      }),
    },
    stopWhen: stepCountIs(3),
    telemetry,
  });
  const stream = streamText({
    model: new MockLanguageModelV4({
      provider: "anthropic.messages",
      modelId: "claude-sonnet-4-5",
      doStream: {
        stream: convertArrayToReadableStream([
          { type: "stream-start", warnings: [] },
          { type: "text-start", id: "t1" },
          { type: "text-delta", id: "t1", delta: "Hel" },
          { type: "text-delta", id: "t1", delta: "lo" },
          { type: "text-end", id: "t1" },
          { type: "finish", finishReason: { unified: "stop", raw: "end_turn" }, usage },
        ]),
      },
    }),
    prompt: "Say hello",
    telemetry,
  });
  await stream.consumeStream();
  await generateObject({
    model: new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: {
        content: [{ type: "text", text: '{"answer":42}' }],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
      },
    }),
    schema: jsonSchema<{ answer: number }>({ type: "object", properties: { answer: { type: "number" } } }),
    prompt: "The answer?",
    telemetry,
  });
  await embed({
    model: new MockEmbeddingModelV4({
      provider: "openai.embedding",
      modelId: "text-embedding-3-small",
      doEmbed: { embeddings: [[0.1, 0.2]], usage: { tokens: 7 }, warnings: [] },
    }),
    value: "hello world",
    telemetry,
  });
  await provider.forceFlush();
  await provider.shutdown();
}

function byOperation(batches: IngestBatch[]): Map<string, Generation> {
  const out = new Map<string, Generation>();
  for (const batch of batches) {
    expect(batch.projectId).toBe(HARNESS_PROJECT);
    for (const generation of batch.generations) {
      expect(out.has(generation.operation), `one ${generation.operation} generation`).toBe(false);
      out.set(generation.operation, generation);
    }
  }
  return out;
}

function expectedCost(provider: string, model: string, generation: Generation) {
  const result = priceGeneration({ provider, model, at: generation.startedAt, usage: generation.usage });
  if (!result.priced) throw new Error(`test setup: ${model} should be priced (${result.reason})`);
  return { cost: toRecordCost(result.cost), priceEntry: result.priceEntryId };
}

let harness: CollectorHarness;
const headers = { Authorization: `Bearer ${HARNESS_KEY}` };

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  harness = await startCollectorHarness();
});
afterAll(async () => {
  await harness.stop();
});

async function blobText(id: string | undefined): Promise<string> {
  if (id === undefined) throw new Error("no file_id");
  const blob = await harness.blobs.get(id);
  if (blob === null) throw new Error(`blob ${id} missing`);
  expect(blob.mimeType).toBe("image/png");
  return Buffer.from(blob.bytes).toString("base64");
}

describe.each([
  ["protobuf", (url: string) => new ProtoExporter({ url, headers })],
  ["JSON", (url: string) => new JsonExporter({ url, headers })],
])("AI SDK 7 GenAI spans over OTLP %s", (_encoding, makeExporter) => {
  let generations: Map<string, Generation>;
  let batches: IngestBatch[];

  beforeAll(async () => {
    await runCalls(function genai(tracer) {
      return new OpenTelemetry({ tracer });
    }, makeExporter(harness.tracesUrl));
    batches = await harness.drain();
    generations = byOperation(batches);
  });

  it("maps generateText with tools: model, usage, prompt, output, tool calls, media, cost", async () => {
    const generation = generations.get("generateText");
    if (generation === undefined) throw new Error("no generateText record");
    expect(generation).toMatchObject({
      status: "complete",
      provider: "openai",
      model: "gpt-4o-mini",
      responseModel: "gpt-4o-mini-2024-07-18",
      functionId: "weather-bot",
      finishReason: "stop",
      usage: { inputTokens: 2000, outputTokens: 1000, cacheReadTokens: 400 },
    });
    expect(generation.id).toBe(deriveGenerationId(generation.traceId, generation.spanId));
    expect(generation.prompt.system).toBe("Answer briefly.");
    const [text, image] = generation.prompt.messages[0]?.parts ?? [];
    expect(text).toEqual({ type: "text", content: "Weather in Paris?" });
    expect(image).toMatchObject({ type: "file", modality: "image", mime_type: "image/png" });
    expect(image?.file_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await blobText(image?.file_id)).toBe(PNG_IN);
    expect(generation.prompt.tools).toEqual([
      expect.objectContaining({ name: "weather", description: "Current weather" }),
    ]);
    const output = generation.output.messages.flatMap((message) => message.parts);
    expect(output).toContainEqual({ type: "text", content: "Sunny in Paris" });
    expect(output).toContainEqual({
      type: "tool_call",
      id: "call-1",
      name: "weather",
      arguments: { city: "Paris" },
    });
    expect(output).toContainEqual(
      expect.objectContaining({
        type: "tool_call_response",
        id: "call-1",
        response: { city: "Paris", celsius: 21 },
      }),
    );
    const file = output.find((part) => part.type === "file");
    expect(await blobText(file?.file_id)).toBe(PNG_OUT);
    // No base64 left anywhere in the record.
    expect(JSON.stringify(generation)).not.toContain(PNG_IN);
    const expected = expectedCost("openai", "gpt-4o-mini-2024-07-18", generation);
    expect(generation.cost).toEqual(expected.cost);
    expect(generation.cost?.total).toBeGreaterThan(0);
    expect(generation.priceEntry).toBe(expected.priceEntry);
  });

  it("keeps every span of the trace for the trace view, linked to the generation", () => {
    const generation = generations.get("generateText");
    const spans = batches
      .flatMap((batch) => batch.spans)
      .filter((span) => span.traceId === generation?.traceId);
    expect(spans.map((span) => span.name).sort()).toEqual(
      [
        "chat gpt-4o-mini",
        "chat gpt-4o-mini",
        "execute_tool weather",
        "invoke_agent gpt-4o-mini",
        "step 1",
        "step 2",
      ].sort(),
    );
    for (const span of spans) expect(span.generationId).toBe(generation?.id);
    const root = spans.find((span) => span.spanId === generation?.spanId);
    expect(root?.attributes["gen_ai.request.model"]).toBe("gpt-4o-mini");
  });

  it("maps streamText with its time to first token", () => {
    const generation = generations.get("streamText");
    expect(generation).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      usage: { inputTokens: 1000, outputTokens: 500 },
      output: { messages: [{ role: "assistant", parts: [{ type: "text", content: "Hello" }] }] },
    });
    expect(generation?.ttftMs).toBeGreaterThanOrEqual(0);
    expect(generation?.cost?.total).toBeGreaterThan(0);
  });

  it("maps generateObject with the parsed object, and embed with its usage", () => {
    expect(generations.get("generateObject")?.output.object).toEqual({ answer: 42 });
    const embedding = generations.get("embed");
    expect(embedding).toMatchObject({ model: "text-embedding-3-small", usage: { inputTokens: 7 } });
    expect(embedding?.cost?.total).toBeGreaterThan(0);
  });
});

describe("AI SDK 5/6 legacy spans (LegacyOpenTelemetry) over OTLP protobuf", () => {
  let generations: Map<string, Generation>;

  beforeAll(async () => {
    await runCalls(
      function legacy(tracer) {
        return new LegacyOpenTelemetry({ tracer });
      },
      new ProtoExporter({ url: harness.tracesUrl, headers }),
    );
    generations = byOperation(await harness.drain());
  });

  it("maps generateText with tools from ai.* attributes", async () => {
    const generation = generations.get("generateText");
    if (generation === undefined) throw new Error("no generateText record");
    expect(generation).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      responseModel: "gpt-4o-mini-2024-07-18",
      functionId: "weather-bot",
      finishReason: "stop",
      usage: { inputTokens: 2000, outputTokens: 1000, cacheReadTokens: 400, reasoningTokens: 200 },
    });
    expect(generation.prompt.system).toBe("Answer briefly.");
    const [text, image] = generation.prompt.messages[0]?.parts ?? [];
    expect(text).toEqual({ type: "text", content: "Weather in Paris?" });
    expect(await blobText(image?.file_id)).toBe(PNG_IN);
    expect(generation.prompt.tools).toEqual([expect.objectContaining({ name: "weather" })]);
    const output = generation.output.messages.flatMap((message) => message.parts);
    expect(output).toContainEqual({ type: "text", content: "Sunny in Paris" });
    expect(output).toContainEqual({
      type: "tool_call",
      id: "call-1",
      name: "weather",
      arguments: { city: "Paris" },
    });
    expect(output).toContainEqual({
      type: "tool_call_response",
      id: "call-1",
      name: "weather",
      response: { city: "Paris", celsius: 21 },
    });
    expect(await blobText(output.find((part) => part.type === "file")?.file_id)).toBe(PNG_OUT);
    const expected = expectedCost("openai", "gpt-4o-mini-2024-07-18", generation);
    expect(generation.cost).toEqual(expected.cost);
    expect(generation.priceEntry).toBe(expected.priceEntry);
  });

  it("maps streamText, generateObject and embed", () => {
    expect(generations.get("streamText")).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      output: { messages: [{ parts: [{ type: "text", content: "Hello" }] }] },
    });
    expect(generations.get("streamText")?.ttftMs).toBeGreaterThanOrEqual(0);
    expect(generations.get("generateObject")?.output.object).toEqual({ answer: 42 });
    expect(generations.get("embed")).toMatchObject({
      usage: { inputTokens: 7 },
      prompt: { values: ["hello world"] },
      output: { embeddings: 1 },
    });
  });
});

describe("hand-written GenAI semantic-convention spans (OTLP JSON)", () => {
  it("maps a chat span from another language's instrumentation", async () => {
    const traceId = "5b8efff798038103d269b633813fc60c";
    const spanId = "eee19b7ec3c1b174";
    const start = 1_750_000_000_000_000_000n;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "python-billing" } }] },
          scopeSpans: [
            {
              scope: { name: "opentelemetry.instrumentation.openai_v2", version: "2.1b0" },
              spans: [
                {
                  traceId,
                  spanId,
                  parentSpanId: "051581bf3cb55c13",
                  name: "chat gpt-4o",
                  kind: 3,
                  startTimeUnixNano: String(start),
                  endTimeUnixNano: String(start + 1_200_000_000n),
                  attributes: [
                    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                    { key: "gen_ai.system", value: { stringValue: "openai" } },
                    { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
                    { key: "gen_ai.response.model", value: { stringValue: "gpt-4o-2024-08-06" } },
                    { key: "gen_ai.usage.input_tokens", value: { intValue: "1200" } },
                    { key: "gen_ai.usage.output_tokens", value: { intValue: 300 } },
                    {
                      key: "gen_ai.response.finish_reasons",
                      value: { arrayValue: { values: [{ stringValue: "stop" }] } },
                    },
                  ],
                  events: [
                    {
                      name: "gen_ai.system.message",
                      timeUnixNano: String(start),
                      attributes: [{ key: "content", value: { stringValue: "You bill customers." } }],
                    },
                    {
                      name: "gen_ai.user.message",
                      timeUnixNano: String(start),
                      attributes: [{ key: "content", value: { stringValue: "Total for March?" } }],
                    },
                    {
                      name: "gen_ai.choice",
                      timeUnixNano: String(start + 1_200_000_000n),
                      attributes: [
                        { key: "finish_reason", value: { stringValue: "stop" } },
                        {
                          key: "message",
                          value: {
                            kvlistValue: {
                              values: [
                                { key: "role", value: { stringValue: "assistant" } },
                                { key: "content", value: { stringValue: "$1,204.50" } },
                              ],
                            },
                          },
                        },
                      ],
                    },
                  ],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(harness.tracesUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", "x-genledger-key": HARNESS_KEY },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const batches = await harness.drain();
    const generation = batches[0]?.generations[0];
    expect(generation).toMatchObject({
      id: deriveGenerationId(traceId, spanId),
      projectId: HARNESS_PROJECT,
      operation: "chat",
      status: "complete",
      provider: "openai",
      model: "gpt-4o",
      responseModel: "gpt-4o-2024-08-06",
      finishReason: "stop",
      latencyMs: 1200,
      usage: { inputTokens: 1200, outputTokens: 300 },
      prompt: {
        system: "You bill customers.",
        messages: [{ role: "user", parts: [{ type: "text", content: "Total for March?" }] }],
      },
      output: {
        messages: [
          { role: "assistant", parts: [{ type: "text", content: "$1,204.50" }], finish_reason: "stop" },
        ],
      },
    });
    if (generation === undefined) throw new Error("no generation");
    expect(generation.cost).toEqual(expectedCost("openai", "gpt-4o-2024-08-06", generation).cost);
    expect(batches[0]?.spans[0]).toMatchObject({
      spanId,
      kind: "client",
      statusCode: "ok",
      generationId: generation.id,
    });
    expect(batches[0]?.spans[0]?.attributes["service.name"]).toBe("python-billing");
  });
});
