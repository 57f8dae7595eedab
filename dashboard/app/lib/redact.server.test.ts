import { Generation } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { redactGeneration, redactSpanAttributes } from "./redact.server.ts";

describe("redactGeneration", () => {
  it("removes every prompt and output body and says how much was withheld", () => {
    const g = Generation.parse({
      id: "g1",
      projectId: "p",
      status: "complete",
      startedAt: new Date(0),
      prompt: {
        system: "secret system",
        messages: [{ role: "user", parts: [{ type: "text", content: "secret prompt" }] }],
        tools: [{ name: "secretTool" }],
        values: ["secret value"],
      },
      output: {
        messages: [{ role: "assistant", parts: [{ type: "text", content: "secret output" }] }],
        object: { secret: 1 },
      },
      cost: { total: 5 },
      usage: { inputTokens: 3 },
    });
    const { generation, hidden } = redactGeneration(g);
    expect(JSON.stringify(generation)).not.toMatch(/secret/);
    expect(hidden).toEqual({
      promptMessages: 1,
      outputMessages: 1,
      hasSystem: true,
      hasObject: true,
      tools: 1,
    });
    expect(generation.cost?.total).toBe(5);
    expect(generation.usage.inputTokens).toBe(3);
  });
});

describe("redactSpanAttributes", () => {
  it("keeps identifiers, models, usage and cost; drops anything that can hold text", () => {
    const kept = redactSpanAttributes({
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": "10",
      "genledger.cost.total_nanos": "5",
      "ai.toolCall.name": "getWeather",
      "gen_ai.input.messages": "[secret]",
      "gen_ai.output.messages": "[secret]",
      "ai.prompt": "secret",
      "ai.prompt.messages": "secret",
      "ai.response.text": "secret",
      "ai.toolCall.args": "secret",
      "ai.toolCall.result": "secret",
      "gen_ai.system_instructions": "secret",
      "genledger.output.partial": "secret",
      "genledger.input.values": "secret",
      "genledger.error": "secret",
      "custom.anything": "secret",
    });
    expect(kept).toEqual({
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": "10",
      "genledger.cost.total_nanos": "5",
      "ai.toolCall.name": "getWeather",
    });
  });
});
