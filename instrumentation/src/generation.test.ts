import { ATTR } from "@genledger/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { embed, embedMany, generateObject, generateText, isStepCount, jsonSchema, tool } from "ai";
import { MockEmbeddingModelV4 } from "ai/test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { generation, newGeneration, withGeneration, withGenerationContext } from "./context.ts";
import {
  chatModel,
  generationSpans,
  markerSpans,
  onlyGeneration,
  startCapture,
  textResult,
  usage,
} from "./test-helpers.ts";

const capture = startCapture({ dashboardUrl: "https://ledger.example.com" });
afterAll(() => capture.stop());
beforeEach(() => capture.reset());

const attr = (span: ReadableSpan, key: string) => span.attributes[key];
const json = (span: ReadableSpan, key: string) => JSON.parse(String(span.attributes[key]));

describe("generateText", () => {
  it("records one generation span for a two-step tool call, with cost, usage and a pending marker", async () => {
    const model = chatModel({
      doGenerate: [
        {
          content: [{ type: "tool-call", toolCallId: "c1", toolName: "weather", input: '{"city":"Paris"}' }],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: usage(1000, 200, { reasoning: 50 }),
          warnings: [],
        },
        {
          ...textResult("It is sunny in Paris.", usage(1500, 300, { cacheRead: 500 })),
          warnings: [{ type: "other", message: "seed ignored" }],
        },
      ],
    });
    const result = await generateText({
      model,
      system: "You are terse.",
      prompt: "Weather in Paris?",
      tools: {
        weather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => `sunny in ${city}`,
        }),
      },
      stopWhen: isStepCount(3),
    });
    expect(result.text).toBe("It is sunny in Paris.");

    const spans = await capture.spans();
    const gen = onlyGeneration(spans);
    expect(gen.name).toBe("invoke_agent gpt-4o-mini");
    const id = String(attr(gen, ATTR.generationId));
    expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(attr(gen, ATTR.status)).toBe("complete");
    expect(attr(gen, ATTR.operation)).toBe("generateText");
    expect(attr(gen, ATTR.provider)).toBe("openai.chat");
    expect(attr(gen, ATTR.model)).toBe("gpt-4o-mini");
    // Usage of both steps; the SDK reports the total on the generation span.
    expect(attr(gen, "gen_ai.usage.input_tokens")).toBe(2500);
    expect(attr(gen, "gen_ai.usage.output_tokens")).toBe(500);
    expect(attr(gen, ATTR.reasoningTokens)).toBe(50);
    // gpt-4o-mini list price: $0.15/M input, $0.075/M cached input, $0.60/M output.
    // In nano-dollars per token: 150, 75 and 600.
    const expectedInput = 2000 * 150; // uncached: 2500 - 500 cached
    const expectedCacheRead = 500 * 75;
    const expectedOutput = 500 * 600;
    expect(attr(gen, ATTR.costInput)).toBe(expectedInput);
    expect(attr(gen, ATTR.costCacheRead)).toBe(expectedCacheRead);
    expect(Number(attr(gen, ATTR.costOutput)) + Number(attr(gen, ATTR.costReasoning))).toBe(expectedOutput);
    expect(attr(gen, ATTR.costTotal)).toBe(expectedInput + expectedCacheRead + expectedOutput);
    expect(attr(gen, ATTR.priceEntry)).toBe("openai/gpt-4o-mini@2024-07-18");
    expect(attr(gen, ATTR.unpriced)).toBeUndefined();
    expect(attr(gen, ATTR.warnings)).toEqual(["other: seed ignored"]);
    // The full prompt and output, tool call included.
    expect(json(gen, "gen_ai.input.messages")).toEqual([
      { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
    ]);
    expect(json(gen, "gen_ai.system_instructions")).toEqual([{ type: "text", content: "You are terse." }]);
    const output = json(gen, "gen_ai.output.messages");
    expect(JSON.stringify(output)).toContain("It is sunny in Paris.");
    expect(JSON.stringify(output)).toContain('"name":"weather"');

    // The child spans belong to the same trace; the marker too, before the generation ended.
    expect(spans.filter((s) => s.name.startsWith("chat ")).length).toBe(2);
    expect(spans.some((s) => s.name === "execute_tool weather")).toBe(true);
    const [marker] = markerSpans(spans, id);
    expect(marker).toBeDefined();
    expect(marker!.spanContext().traceId).toBe(gen.spanContext().traceId);
    expect(marker!.parentSpanContext?.spanId).toBe(gen.spanContext().spanId);
    expect(attr(marker!, ATTR.pendingMarker)).toBe(true);
    expect(attr(marker!, ATTR.status)).toBe("pending");
    expect(attr(marker!, "gen_ai.request.model")).toBe("gpt-4o-mini");
    expect(json(marker!, "gen_ai.input.messages")).toEqual(json(gen, "gen_ai.input.messages"));
    expect(marker!.endTime[0] * 1e9 + marker!.endTime[1]).toBeLessThan(gen.endTime[0] * 1e9 + gen.endTime[1]);
  });

  it("marks an unknown model unpriced, with no cost attributes", async () => {
    await generateText({
      model: chatModel({
        provider: "acme.chat",
        modelId: "acme-1",
        doGenerate: textResult("x", usage(), "acme-1"),
      }),
      prompt: "hi",
    });
    const gen = onlyGeneration(await capture.spans());
    expect(attr(gen, ATTR.unpriced)).toBe(true);
    expect(attr(gen, ATTR.costTotal)).toBeUndefined();
    expect(attr(gen, ATTR.priceEntry)).toBeUndefined();
  });

  it("records a provider error with its message", async () => {
    const model = chatModel({
      doGenerate: async () => {
        throw new Error("rate limited by provider");
      },
    });
    await expect(generateText({ model, prompt: "hi", maxRetries: 0 })).rejects.toThrow("rate limited");
    const gen = onlyGeneration(await capture.spans());
    expect(attr(gen, ATTR.status)).toBe("error");
    expect(attr(gen, ATTR.error)).toBe("rate limited by provider");
    expect(gen.status.code).toBe(2);
  });

  it("keeps images a text model returns (result.files) in the output messages", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]).toString("base64");
    const model = chatModel({
      doGenerate: {
        ...textResult("here"),
        content: [
          { type: "text", text: "here" },
          { type: "file", mediaType: "image/png", data: { type: "data", data: png } },
        ],
      } as never,
    });
    const result = await generateText({ model, prompt: "draw" });
    expect(result.files).toHaveLength(1);
    const gen = onlyGeneration(await capture.spans());
    const parts = json(gen, "gen_ai.output.messages")[0].parts;
    expect(parts).toContainEqual({ type: "blob", modality: "image", mime_type: "image/png", content: png });
  });
});

describe("generation IDs", () => {
  it("uses a supplied ID, made before the call, with its dashboard URL", async () => {
    const gen = newGeneration({
      userId: "u-7",
      functionId: "support-reply",
      tags: ["beta"],
      metadata: { plan: "pro" },
    });
    expect(gen.url).toBe(`https://ledger.example.com/generation/${gen.id}`);
    const model = chatModel({ doGenerate: textResult("ok") });
    await withGeneration(gen, () => generateText({ model, prompt: "hi" }));
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.generationId)).toBe(gen.id);
    expect(attr(span, ATTR.userId)).toBe("u-7");
    expect(attr(span, ATTR.functionId)).toBe("support-reply");
    expect(attr(span, ATTR.tags)).toEqual(["beta"]);
    expect(attr(span, `${ATTR.metadataPrefix}plan`)).toBe("pro");
  });

  it("gives the planned ID to the first call only; later calls get their own", async () => {
    const gen = newGeneration();
    const model = chatModel({ doGenerate: textResult("ok") });
    await withGeneration(gen, async () => {
      await generateText({ model, prompt: "one" });
      await generateText({ model, prompt: "two" });
    });
    const ids = generationSpans(await capture.spans()).map((s) => attr(s, ATTR.generationId));
    expect(ids).toHaveLength(2);
    expect(ids).toContain(gen.id);
    expect(new Set(ids).size).toBe(2);
  });

  it("accepts the ID per call through runtimeContext", async () => {
    const gen = newGeneration({ userId: "u-call" });
    await generateText(generation(gen, { model: chatModel({ doGenerate: textResult("ok") }), prompt: "hi" }));
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.generationId)).toBe(gen.id);
    expect(attr(span, ATTR.userId)).toBe("u-call");
  });

  it("makes a new ID for a call without one, and refuses an unsafe supplied ID", async () => {
    await generateText({ model: chatModel({ doGenerate: textResult("ok") }), prompt: "hi" });
    const span = onlyGeneration(await capture.spans());
    expect(String(attr(span, ATTR.generationId))).toHaveLength(21);
    expect(() => newGeneration({ id: "../etc" })).toThrow(/URL-safe/);
    expect(newGeneration({ id: "order-42_reply" }).id).toBe("order-42_reply");
  });
});

describe("generation context", () => {
  it("survives awaits and timers, and per-call values override it", async () => {
    const model = chatModel({ doGenerate: textResult("ok") });
    await withGenerationContext(
      { userId: "ctx-user", sessionId: "s-1", metadata: { tier: "free", region: "eu" } },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await generateText({ model, prompt: "from context" });
        await withGenerationContext({ metadata: { tier: "pro" } }, async () => {
          await Promise.resolve();
          await generateText(
            generation(
              { id: "per-call-id-000000001", url: "", userId: "call-user" },
              { model, prompt: "per call" },
            ),
          );
        });
      },
    );
    const spans = generationSpans(await capture.spans());
    const fromContext = spans.find((s) => String(attr(s, "gen_ai.input.messages")).includes("from context"))!;
    const perCall = spans.find((s) => attr(s, ATTR.generationId) === "per-call-id-000000001")!;
    expect(attr(fromContext, ATTR.userId)).toBe("ctx-user");
    expect(attr(fromContext, ATTR.sessionId)).toBe("s-1");
    expect(attr(fromContext, `${ATTR.metadataPrefix}tier`)).toBe("free");
    expect(attr(perCall, ATTR.userId)).toBe("call-user");
    expect(attr(perCall, ATTR.sessionId)).toBe("s-1");
    expect(attr(perCall, `${ATTR.metadataPrefix}tier`)).toBe("pro");
    expect(attr(perCall, `${ATTR.metadataPrefix}region`)).toBe("eu");
  });

  it("keeps concurrent scopes apart", async () => {
    const model = chatModel({
      doGenerate: async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
        return textResult("ok");
      },
    });
    await Promise.all(
      ["a", "b", "c", "d"].map((user) =>
        withGenerationContext({ userId: user }, () => generateText({ model, prompt: `for ${user}` })),
      ),
    );
    for (const span of generationSpans(await capture.spans())) {
      const user = String(attr(span, ATTR.userId));
      expect(String(attr(span, "gen_ai.input.messages"))).toContain(`for ${user}`);
    }
  });

  it("takes telemetry.functionId over the context's", async () => {
    await withGenerationContext({ functionId: "outer" }, () =>
      generateText({
        model: chatModel({ doGenerate: textResult("ok") }),
        prompt: "hi",
        telemetry: { functionId: "inner-feature" },
      }),
    );
    expect(attr(onlyGeneration(await capture.spans()), ATTR.functionId)).toBe("inner-feature");
  });
});

describe("generateObject", () => {
  it("records the structured object", async () => {
    const model = chatModel({ doGenerate: textResult('{"name":"Ada","age":36}') });
    const gen = newGeneration();
    const result = await withGeneration(gen, () =>
      generateObject({
        model,
        prompt: "a person",
        schema: jsonSchema<{ name: string; age: number }>({
          type: "object",
          properties: { name: { type: "string" }, age: { type: "number" } },
        }),
      }),
    );
    expect(result.object).toEqual({ name: "Ada", age: 36 });
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.generationId)).toBe(gen.id);
    expect(attr(span, ATTR.operation)).toBe("generateObject");
    expect(json(span, ATTR.outputObject)).toEqual({ name: "Ada", age: 36 });
    expect(attr(span, "gen_ai.output.type")).toBe("json");
    expect(attr(span, ATTR.costTotal)).toBeGreaterThan(0);
    expect(markerSpans(await capture.spans(), gen.id)).toHaveLength(1);
  });
});

describe("embeddings", () => {
  const embeddings = () =>
    new MockEmbeddingModelV4({
      provider: "openai.embedding",
      modelId: "text-embedding-3-small",
      doEmbed: async ({ values }) => ({
        embeddings: values.map((_, i) => [i, 0.5]),
        usage: { tokens: 10 * values.length },
        warnings: [],
      }),
    });

  it("records embed with its input, usage and cost", async () => {
    await withGenerationContext({ userId: "emb-user" }, () =>
      embed({ model: embeddings(), value: "hello world" }),
    );
    const span = onlyGeneration(await capture.spans());
    expect(span.name).toBe("embeddings text-embedding-3-small");
    expect(attr(span, ATTR.operation)).toBe("embed");
    expect(attr(span, ATTR.userId)).toBe("emb-user");
    expect(json(span, ATTR.embedValues)).toEqual(["hello world"]);
    expect(attr(span, "gen_ai.usage.input_tokens")).toBe(10);
    expect(attr(span, ATTR.costTotal)).toBe(200); // $0.02/M tokens
    expect(attr(span, ATTR.status)).toBe("complete");
  });

  it("records embedMany as one generation", async () => {
    await embedMany({ model: embeddings(), values: ["a", "b", "c"] });
    const span = onlyGeneration(await capture.spans());
    expect(attr(span, ATTR.operation)).toBe("embedMany");
    expect(json(span, ATTR.embedValues)).toEqual(["a", "b", "c"]);
    expect(attr(span, "gen_ai.usage.input_tokens")).toBe(30);
    expect(attr(span, ATTR.costTotal)).toBe(600);
  });
});
