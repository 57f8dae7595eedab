import { ATTR, Generation, PENDING_SPAN_NAME, type PricingResult } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../config.ts";
import type { AttributeValue, DecodedSpan } from "../otlp/types.ts";
import { defaultPricer, type Pricer } from "./cost.ts";
import { mapSpans } from "./map-spans.ts";
import { IngestNotes } from "./notes.ts";
import { MS, spanBuilder, T0 } from "./test-span.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const span = spanBuilder(TRACE);

function map(
  spans: DecodedSpan[],
  options: { pricer?: Pricer; limits?: Partial<typeof DEFAULT_LIMITS> } = {},
) {
  const notes = new IngestNotes();
  const result = mapSpans(spans, {
    projectId: "proj",
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    notes,
    pricer: options.pricer ?? defaultPricer,
  });
  // Every record must be valid against the contract's schema.
  for (const generation of result.generations) expect(() => Generation.parse(generation)).not.toThrow();
  return { ...result, notes };
}

const messages = (value: unknown) => JSON.stringify(value);

describe("mapping GenAI semantic-convention spans from other emitters", () => {
  it("maps a chat span with input/output messages, usage and a catalog price", () => {
    const { generations } = map([
      span("b7ad6b7169203331", "chat gpt-4o", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.system_instructions": messages([{ type: "text", content: "You are terse." }]),
        "gen_ai.input.messages": messages([{ role: "user", parts: [{ type: "text", content: "Hi" }] }]),
        "gen_ai.output.messages": messages([
          { role: "assistant", parts: [{ type: "text", content: "Hello" }], finish_reason: "stop" },
        ]),
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 1_000_000,
        "gen_ai.usage.output_tokens": 100_000,
        "user.id": "u-42",
      }),
    ]);
    expect(generations).toHaveLength(1);
    const [generation] = generations;
    expect(generation?.id).toMatch(/^otel_/);
    expect(generation?.operation).toBe("chat");
    expect(generation?.provider).toBe("openai");
    expect(generation?.model).toBe("gpt-4o");
    expect(generation?.responseModel).toBe("gpt-4o-2024-08-06");
    expect(generation?.prompt.system).toBe("You are terse.");
    expect(generation?.prompt.messages).toEqual([{ role: "user", parts: [{ type: "text", content: "Hi" }] }]);
    expect(generation?.output.messages[0]?.parts[0]?.content).toBe("Hello");
    expect(generation?.finishReason).toBe("stop");
    expect(generation?.userId).toBe("u-42");
    expect(generation?.latencyMs).toBe(1000);
    // gpt-4o-2024-08-06: $2.50 / M input, $10 / M output.
    expect(generation?.cost?.total).toBe(2_500_000_000 + 1_000_000_000);
    expect(generation?.priceEntry).toMatch(/gpt-4o/);
    expect(generation?.unpriced).toBe(false);
  });

  it("gives the same ID to a re-delivered span and marks an unknown model unpriced, never 0", () => {
    const chat = () =>
      span("b7ad6b7169203331", "chat", {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "acme",
        "gen_ai.request.model": "acme-llm-9000",
        "gen_ai.usage.input_tokens": 10,
      });
    const first = map([chat()]).generations[0];
    const again = map([chat()]).generations[0];
    expect(again?.id).toBe(first?.id);
    expect(first?.unpriced).toBe(true);
    expect(first?.cost).toBeNull();
    expect(first?.priceEntry).toBe("");
  });

  it("reads the flattened gen_ai.prompt.N / gen_ai.completion.N attributes and older token names", () => {
    const { generations } = map([
      span("b7ad6b7169203331", "openai.chat", {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.prompt.0.role": "system",
        "gen_ai.prompt.0.content": "Be brief.",
        "gen_ai.prompt.1.role": "user",
        "gen_ai.prompt.1.content": "Weather in Paris?",
        "gen_ai.completion.0.role": "assistant",
        "gen_ai.completion.0.finish_reason": "tool_calls",
        "gen_ai.completion.0.tool_calls.0.id": "call_1",
        "gen_ai.completion.0.tool_calls.0.name": "weather",
        "gen_ai.completion.0.tool_calls.0.arguments": '{"city":"Paris"}',
        "gen_ai.usage.prompt_tokens": 30,
        "gen_ai.usage.completion_tokens": 7,
      }),
    ]);
    const generation = generations[0];
    expect(generation?.prompt.system).toBe("Be brief.");
    expect(generation?.prompt.messages).toEqual([
      { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
    ]);
    expect(generation?.output.messages[0]?.parts).toContainEqual({
      type: "tool_call",
      id: "call_1",
      name: "weather",
      arguments: { city: "Paris" },
    });
    expect(generation?.usage.inputTokens).toBe(30);
    expect(generation?.usage.outputTokens).toBe(7);
  });

  it("reads prompt and choice events", () => {
    const { generations } = map([
      span(
        "b7ad6b7169203331",
        "chat",
        { "gen_ai.operation.name": "chat", "gen_ai.request.model": "claude-sonnet-4" },
        {
          events: [
            { name: "gen_ai.user.message", timeUnixNano: T0, attributes: { content: "Ping" } },
            {
              name: "gen_ai.choice",
              timeUnixNano: T0,
              attributes: { message: { role: "assistant", content: "Pong" }, finish_reason: "stop" },
            },
          ],
        },
      ),
    ]);
    expect(generations[0]?.prompt.messages).toEqual([
      { role: "user", parts: [{ type: "text", content: "Ping" }] },
    ]);
    expect(generations[0]?.output.messages).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Pong" }], finish_reason: "stop" },
    ]);
  });

  it("keeps text that is not JSON, and turns an oversize prompt into a note", () => {
    const oversize = span("b7ad6b7169203331", "chat", {
      "gen_ai.operation.name": "chat",
      "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"cut he',
      "gen_ai.output.messages": "plain answer",
    });
    oversize.oversize.push({ key: "gen_ai.input.messages", bytes: 20_000_000 });
    const { generations, notes } = map([oversize]);
    expect(generations[0]?.prompt.messages[0]?.parts[0]?.type).toBe("note");
    expect(String(generations[0]?.prompt.messages[0]?.parts[0]?.content)).toContain("20000000 bytes");
    expect(generations[0]?.output.messages[0]?.parts[0]).toEqual({ type: "text", content: "plain answer" });
    expect(notes.message()).toContain("GENLEDGER_INGEST_MAX_ATTRIBUTE_BYTES");
    expect(notes.rejectedSpans).toBe(0);
  });
});

describe("mapping AI SDK 7 span trees", () => {
  const root = (attributes: Record<string, AttributeValue> = {}) =>
    span(
      "1111111111111111",
      "invoke_agent claude",
      {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.input.messages": messages([{ role: "user", parts: [{ type: "text", content: "hi" }] }]),
        "gen_ai.output.messages": messages([{ role: "assistant", parts: [{ type: "text", content: "yo" }] }]),
        "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.output_tokens": 20,
        ...attributes,
      },
      { scopeName: "gen_ai" },
    );
  const step = span(
    "2222222222222222",
    "step 1",
    { "gen_ai.operation.name": "agent_step" },
    {
      scopeName: "gen_ai",
      parentSpanId: "1111111111111111",
    },
  );
  const chat = span(
    "3333333333333333",
    "chat claude",
    {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.tool.definitions": messages([{ type: "function", name: "lookup" }]),
      "gen_ai.client.operation.time_to_first_chunk": 0.25,
      "gen_ai.usage.input_tokens": 100,
      "gen_ai.usage.output_tokens": 20,
    },
    { scopeName: "gen_ai", parentSpanId: "2222222222222222", startTimeUnixNano: T0 + 50n * MS },
  );

  it("combines the root with its chat child: response model, tools, time to first token", () => {
    const { generations, spans } = map([chat, step, root()]);
    expect(generations).toHaveLength(1);
    const generation = generations[0];
    expect(generation?.operation).toBe("streamText");
    expect(generation?.responseModel).toBe("claude-sonnet-4-5-20250929");
    expect(generation?.prompt.tools).toEqual([{ type: "function", name: "lookup" }]);
    expect(generation?.ttftMs).toBe(300);
    expect(generation?.usage.inputTokens).toBe(100);
    expect(spans.map((s) => [s.name, s.generationId])).toEqual([
      ["chat claude", generation?.id],
      ["step 1", generation?.id],
      ["invoke_agent claude", generation?.id],
    ]);
    expect(spans[2]?.attributes["service.name"]).toBe("checkout");
  });

  it("never turns an AI SDK chat span into a generation of its own, even without its root", () => {
    const { generations, spans } = map([chat, step]);
    expect(generations).toHaveLength(0);
    // Still kept for the trace view: the trace has a generation whose root comes later.
    expect(spans).toHaveLength(2);
  });

  it("uses the genledger attributes: ID, user, tags, metadata and the call-time cost", () => {
    const { generations } = map([
      root({
        [ATTR.generationId]: "V1StGXR8_Z5jdHi6B-myT",
        [ATTR.userId]: "user-7",
        [ATTR.sessionId]: "s-1",
        [ATTR.tags]: ["beta", "eu"],
        [`${ATTR.metadataPrefix}plan`]: "pro",
        [ATTR.operation]: "generateText",
        [ATTR.costTotal]: 123,
        [ATTR.costInput]: 100,
        [ATTR.costOutput]: 23,
        [ATTR.priceEntry]: "anthropic/claude-sonnet-4-5@2025-09-29",
        [ATTR.status]: "complete",
      }),
    ]);
    const generation = generations[0];
    expect(generation?.id).toBe("V1StGXR8_Z5jdHi6B-myT");
    expect(generation?.userId).toBe("user-7");
    expect(generation?.sessionId).toBe("s-1");
    expect(generation?.tags).toEqual(["beta", "eu"]);
    expect(generation?.metadata).toEqual({ plan: "pro" });
    expect(generation?.operation).toBe("generateText");
    expect(generation?.cost).toEqual({
      total: 123,
      input: 100,
      output: 23,
      cacheRead: 0,
      cacheWrite: 0,
      reasoning: 0,
      image: 0,
    });
    expect(generation?.priceEntry).toBe("anthropic/claude-sonnet-4-5@2025-09-29");
  });

  it("maps the pending marker to a pending record, unless the final record is in the same request", () => {
    const marker = span(
      "4444444444444444",
      PENDING_SPAN_NAME,
      {
        [ATTR.generationId]: "V1StGXR8_Z5jdHi6B-myT",
        [ATTR.status]: "pending",
        [ATTR.model]: "claude-sonnet-4-5",
        [ATTR.userId]: "user-7",
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.input.messages": messages([{ role: "user", parts: [{ type: "text", content: "hi" }] }]),
      },
      { scopeName: "genledger", parentSpanId: "1111111111111111" },
    );
    const alone = map([marker]).generations;
    expect(alone).toHaveLength(1);
    expect(alone[0]).toMatchObject({
      status: "pending",
      model: "claude-sonnet-4-5",
      userId: "user-7",
      cost: null,
    });
    expect(alone[0]?.finishedAt).toBeNull();
    expect(alone[0]?.prompt.messages).toEqual([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    const both = map([marker, root({ [ATTR.generationId]: "V1StGXR8_Z5jdHi6B-myT" })]).generations;
    expect(both).toHaveLength(1);
    // The marker is a child of the generation span: its pending status must not leak into the final record.
    expect(both[0]?.status).toBe("complete");
    expect(both[0]?.id).toBe("V1StGXR8_Z5jdHi6B-myT");
  });

  it("records errors with the exception message and aborts from our status", () => {
    const failed = root({});
    failed.statusCode = 2;
    failed.events.push({
      name: "exception",
      timeUnixNano: T0,
      attributes: Object.assign(Object.create(null), { "exception.message": "429 rate limited" }),
    });
    expect(map([failed]).generations[0]).toMatchObject({ status: "error", error: "429 rate limited" });
    const aborted = root({
      [ATTR.status]: "aborted",
      "gen_ai.output.messages": undefined as unknown as AttributeValue,
      [ATTR.partialOutput]: messages([{ role: "assistant", parts: [{ type: "text", content: "Hel" }] }]),
    });
    delete aborted.attributes["gen_ai.output.messages"];
    const generation = map([aborted]).generations[0];
    expect(generation?.status).toBe("aborted");
    expect(generation?.output.messages[0]?.parts[0]?.content).toBe("Hel");
  });

  it("sums usage of the inner embeddings spans", () => {
    const embedRoot = span(
      "5555555555555555",
      "embeddings text-embedding-3-small",
      {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "text-embedding-3-small",
      },
      { scopeName: "gen_ai" },
    );
    const inner = (id: string, tokens: number) =>
      span(
        id,
        "embeddings text-embedding-3-small",
        { "gen_ai.operation.name": "embeddings", "gen_ai.usage.input_tokens": tokens },
        {
          scopeName: "gen_ai",
          parentSpanId: "5555555555555555",
        },
      );
    const { generations } = map([inner("6666666666666666", 3), inner("7777777777777777", 4), embedRoot]);
    expect(generations).toHaveLength(1);
    expect(generations[0]).toMatchObject({ operation: "embedMany", usage: { inputTokens: 7 } });
    expect(generations[0]?.cost?.total).toBe(140); // $0.02 / M tokens
  });
});

describe("rejections and clamping", () => {
  const chat = (spanId: string, attributes: Record<string, AttributeValue>) =>
    span(spanId, "chat", {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      ...attributes,
    });

  it("rejects an invalid generation ID or absurd token counts and keeps the rest", () => {
    const { generations, notes } = map([
      chat("1111111111111111", { [ATTR.generationId]: "../../etc/passwd" }),
      chat("2222222222222222", { "gen_ai.usage.input_tokens": 5e12 }),
      chat("3333333333333333", { "gen_ai.usage.input_tokens": -5, "gen_ai.usage.output_tokens": "many" }),
      span("zz", "bad ids", {}),
    ]);
    expect(generations.map((g) => g.spanId)).toEqual(["3333333333333333"]);
    expect(generations[0]?.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(notes.rejectedSpans).toBe(3);
    expect(Object.fromEntries(notes.rejectedByReason)).toEqual({
      invalid_generation_id: 1,
      absurd_tokens: 1,
      invalid_id: 1,
    });
    const message = notes.message();
    expect(message).toContain("genledger.generation.id");
    expect(message).toContain("GENLEDGER_INGEST_MAX_TOKENS");
    expect(message).toContain("gen_ai.usage.input_tokens was negative (-5); counted as 0");
    expect(message).toContain("gen_ai.usage.output_tokens is not a number");
    expect(message).toContain("span ID");
  });

  it("stores a pricing failure as unpriced with a note", () => {
    const broken: Pricer = (): PricingResult => {
      throw new Error("cacheReadTokens exceeds inputTokens");
    };
    const { generations, notes } = map([chat("1111111111111111", { "gen_ai.usage.input_tokens": 1 })], {
      pricer: broken,
    });
    expect(generations[0]).toMatchObject({ unpriced: true, cost: null });
    expect(notes.message()).toContain("cannot be priced");
  });

  it("survives parent cycles and keeps spans of traces without generations out", () => {
    const a = span("aaaaaaaaaaaaaaaa", "a", {}, { parentSpanId: "bbbbbbbbbbbbbbbb" });
    const b = span("bbbbbbbbbbbbbbbb", "b", {}, { parentSpanId: "aaaaaaaaaaaaaaaa" });
    const { generations, spans } = map([a, b]);
    expect(generations).toEqual([]);
    expect(spans).toEqual([]);
  });
});
