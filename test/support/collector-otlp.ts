import { ATTR } from "@genledger/core";

/** One generation to send as an OTLP GenAI chat span with genledger attributes and a call-time cost. */
export interface OtlpGeneration {
  id: string;
  costNanos: number;
  userId: string;
  startedAt: Date;
  /** Index used to make distinct trace and span IDs. */
  n: number;
}

type Value = { stringValue: string } | { intValue: string } | { boolValue: boolean };

function value(v: string | number | boolean): Value {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return { intValue: String(v) };
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0").slice(-width);
}

/** An OTLP/HTTP JSON export request with one chat span per generation. */
export function otlpExport(generations: OtlpGeneration[], service = "crash-test"): string {
  const spans = generations.map((g) => {
    const start = BigInt(g.startedAt.getTime()) * 1_000_000n;
    const attributes: Record<string, string | number | boolean> = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.input.messages": JSON.stringify([
        { role: "user", parts: [{ type: "text", content: `question ${g.n}` }] },
      ]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", parts: [{ type: "text", content: `answer ${g.n}` }], finish_reason: "stop" },
      ]),
      "gen_ai.usage.input_tokens": 100 + (g.n % 50),
      "gen_ai.usage.output_tokens": 20 + (g.n % 30),
      [ATTR.generationId]: g.id,
      [ATTR.status]: "complete",
      [ATTR.userId]: g.userId,
      [ATTR.costTotal]: g.costNanos,
      [ATTR.costInput]: g.costNanos,
      [ATTR.priceEntry]: "openai/gpt-4o-mini",
    };
    return {
      traceId: hex(g.n + 1, 32),
      spanId: hex(g.n + 1, 16),
      name: "chat gpt-4o-mini",
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 500_000_000n),
      attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: value(v) })),
      status: { code: 1 },
    };
  });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: "genledger-crash-test" }, spans }],
      },
    ],
  });
}
