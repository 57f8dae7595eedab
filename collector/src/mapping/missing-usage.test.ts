// mapSpans on generations whose spans report no usage: cost unknown, never 0.
import { ATTR, Generation } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../config.ts";
import type { AttributeValue, DecodedSpan } from "../otlp/types.ts";
import { defaultPricer } from "./cost.ts";
import { mapSpans } from "./map-spans.ts";
import { IngestNotes } from "./notes.ts";
import { MS, spanBuilder, T0 } from "./test-span.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const span = spanBuilder(TRACE);

function map(spans: DecodedSpan[]) {
  const notes = new IngestNotes();
  const result = mapSpans(spans, { projectId: "proj", limits: DEFAULT_LIMITS, notes, pricer: defaultPricer });
  expect(result.generations).toHaveLength(1);
  const generation = result.generations[0] as Generation;
  expect(() => Generation.parse(generation)).not.toThrow();
  return { generation, notes };
}

const ABORTED_WARNING = "no token usage reported (aborted before the provider sent usage): cost unknown";

/** An AI SDK 7 streamText: invoke_agent root, then per step an agent_step span with a chat child. */
function sdk7Stream(
  rootAttributes: Record<string, AttributeValue>,
  chats: Array<Record<string, AttributeValue>>,
) {
  const root = span(
    "1111111111111111",
    "invoke_agent gpt-4o-mini",
    {
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      [ATTR.operation]: "streamText",
      ...rootAttributes,
    },
    { scopeName: "gen_ai" },
  );
  const below = chats.flatMap((attributes, i) => {
    const stepId = `2${i}22222222222222`;
    return [
      span(
        stepId,
        `step ${i + 1}`,
        { "gen_ai.operation.name": "agent_step" },
        { scopeName: "gen_ai", parentSpanId: root.spanId, startTimeUnixNano: T0 + BigInt(i * 100) * MS },
      ),
      span(
        `3${i}33333333333333`,
        "chat gpt-4o-mini",
        { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini", ...attributes },
        { scopeName: "gen_ai", parentSpanId: stepId, startTimeUnixNano: T0 + BigInt(i * 100 + 1) * MS },
      ),
    ];
  });
  return [...below, root];
}

describe("generations without reported usage", () => {
  it("AI SDK 7: a stream aborted before the provider sent usage has no cost, not 0", () => {
    const { generation, notes } = map(sdk7Stream({ [ATTR.status]: "aborted" }, [{}]));
    expect(generation.status).toBe("aborted");
    expect(generation.usage.inputTokens).toBe(0);
    expect(generation).toMatchObject({ cost: null, unpriced: true, priceEntry: "" });
    expect(generation.warnings).toEqual([ABORTED_WARNING]);
    // An abort is ordinary: nothing to tell the sender.
    expect(notes.message()).toBe("");
  });

  it("AI SDK 7: a failed call without usage has no cost either", () => {
    const failed = sdk7Stream({ [ATTR.status]: "error" }, [{}]);
    const { generation } = map(failed);
    expect(generation).toMatchObject({ status: "error", cost: null, unpriced: true });
    expect(generation.warnings[0]).toContain("failed before the provider sent usage");
  });

  it("AI SDK 7: keeps the instrumentation's warnings and adds the missing-usage one once", () => {
    const { generation } = map(
      sdk7Stream({ [ATTR.status]: "aborted", [ATTR.warnings]: ["unsupported: topK", ABORTED_WARNING] }, [{}]),
    );
    expect(generation.warnings).toEqual(["unsupported: topK", ABORTED_WARNING]);
  });

  it("AI SDK 7: an abort in the second step prices the first step and says the cost is a lower bound", () => {
    const { generation } = map(
      sdk7Stream({ [ATTR.status]: "aborted" }, [
        { "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 100 },
        {},
      ]),
    );
    // gpt-4o-mini: $0.15 / M input, $0.60 / M output.
    expect(generation.cost?.total).toBe(1000 * 150 + 100 * 600);
    expect(generation.unpriced).toBe(false);
    expect(generation.warnings).toHaveLength(1);
    expect(generation.warnings[0]).toContain("1 of 2 provider calls");
  });

  it("AI SDK 7: an abort after the root got its usage is priced as usual", () => {
    const { generation } = map(
      sdk7Stream(
        { [ATTR.status]: "aborted", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2 },
        [{}],
      ),
    );
    expect(generation.cost?.total).toBe(10 * 150 + 2 * 600);
    expect(generation.warnings).toEqual([]);
  });

  it("other emitters: a complete chat span without token counts is stored with cost unknown and a note", () => {
    const { generation, notes } = map([
      span("b7ad6b7169203331", "chat gpt-4o", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
      }),
    ]);
    expect(generation).toMatchObject({ status: "complete", cost: null, unpriced: true });
    expect(generation.warnings).toEqual([
      "no token usage reported (the spans carry no token counts): cost unknown",
    ]);
    expect(notes.message()).toContain("no token usage attributes");
  });

  it("other emitters: 0 input and 0 output tokens reported is a measurement, priced at 0", () => {
    const { generation } = map([
      span("b7ad6b7169203331", "chat gpt-4o", {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 0,
        "gen_ai.usage.output_tokens": 0,
      }),
    ]);
    expect(generation).toMatchObject({ unpriced: false, cost: { total: 0 }, warnings: [] });
    expect(generation.priceEntry).toMatch(/gpt-4o/);
  });

  it("image generations: the image count is usage", () => {
    const { generation } = map([
      span(
        "b7ad6b7169203331",
        "generate_image dall-e-3",
        {
          "gen_ai.operation.name": "generate_content",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "unknown-image-model",
          [ATTR.images]: 1,
        },
        { scopeName: "genledger" },
      ),
    ]);
    // Unknown model: unpriced for want of a price, not for want of usage.
    expect(generation).toMatchObject({ unpriced: true, cost: null, warnings: [] });
  });

  it("AI SDK 5/6: an aborted ai.streamText without usage has no cost; usage reported as 0 costs 0", () => {
    const legacy = (rootAttributes: Record<string, AttributeValue>) => [
      span(
        "9999999999999999",
        "ai.streamText.doStream",
        { "ai.operationId": "ai.streamText.doStream", "ai.model.provider": "openai.chat" },
        { scopeName: "ai", parentSpanId: "8888888888888888" },
      ),
      span(
        "8888888888888888",
        "ai.streamText",
        {
          "ai.operationId": "ai.streamText",
          "ai.model.provider": "openai.chat",
          "ai.model.id": "gpt-4o-mini",
          ...rootAttributes,
        },
        { scopeName: "ai" },
      ),
    ];
    const aborted = map(legacy({ [ATTR.status]: "aborted" })).generation;
    expect(aborted).toMatchObject({ status: "aborted", cost: null, unpriced: true });
    expect(aborted.warnings).toEqual([ABORTED_WARNING]);
    const zero = map(legacy({ "ai.usage.inputTokens": 0, "ai.usage.outputTokens": 0 })).generation;
    expect(zero).toMatchObject({ status: "complete", unpriced: false, cost: { total: 0 }, warnings: [] });
  });
});
