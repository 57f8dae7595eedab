import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { decodeTraceRequest } from "./decode.ts";
import { encodeExportResponse, encodeStatus } from "./encode.ts";
import { DecodeError } from "./types.ts";

const limits = { maxAttributeBytes: 1024 * 1024 };

function recordSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer("decode-test", "1.2.3");
  const parent = tracer.startSpan("invoke_agent gpt-4o", { kind: SpanKind.INTERNAL });
  parent.setAttributes({
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.usage.input_tokens": 12,
    "gen_ai.client.operation.duration": 0.25,
    "genledger.cache.hit": false,
    "gen_ai.response.finish_reasons": ["stop", "length"],
    "big.int": 2 ** 40,
    "text.unicode": "héllo ✓ 🚀",
  });
  parent.addEvent("ai.stream.firstChunk", { "ai.response.msToFirstChunk": 12.5 });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: "rate limited" });
  parent.end();
  return exporter.getFinishedSpans();
}

describe("OTLP decoding", () => {
  it("decodes what the real protobuf and JSON serializers produce, identically", () => {
    const spans = recordSpans();
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
    const json = JsonTraceSerializer.serializeRequest(spans);
    if (protobuf === undefined || json === undefined) throw new Error("serializer returned nothing");
    const fromProtobuf = decodeTraceRequest(protobuf, "protobuf", limits);
    const fromJson = decodeTraceRequest(json, "json", limits);
    expect(fromProtobuf).toHaveLength(1);
    expect(fromJson).toEqual(fromProtobuf);

    const [span] = fromProtobuf;
    const original = spans[0];
    if (span === undefined || original === undefined) throw new Error("missing span");
    expect(span.traceId).toBe(original.spanContext().traceId);
    expect(span.spanId).toBe(original.spanContext().spanId);
    expect(span.parentSpanId).toBe("");
    expect(span.name).toBe("invoke_agent gpt-4o");
    expect(span.kind).toBe(1);
    expect(span.scopeName).toBe("decode-test");
    expect(span.scopeVersion).toBe("1.2.3");
    expect(span.statusCode).toBe(2);
    expect(span.statusMessage).toBe("rate limited");
    expect(span.attributes["gen_ai.request.model"]).toBe("gpt-4o");
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBe(12);
    expect(span.attributes["gen_ai.client.operation.duration"]).toBe(0.25);
    expect(span.attributes["genledger.cache.hit"]).toBe(false);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop", "length"]);
    expect(span.attributes["big.int"]).toBe(2 ** 40);
    expect(span.attributes["text.unicode"]).toBe("héllo ✓ 🚀");
    expect(span.events[0]?.name).toBe("ai.stream.firstChunk");
    expect(span.events[0]?.attributes["ai.response.msToFirstChunk"]).toBe(12.5);
    expect(span.endTimeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
    expect(span.startTimeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
    expect(span.resource["service.name"]).toBeTypeOf("string");
  });

  it("cuts oversize string values at the limit and names the attribute", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const span = provider.getTracer("t").startSpan("s");
    span.setAttribute("gen_ai.input.messages", "é".repeat(600));
    span.setAttribute("small", "ok");
    span.end();
    const body = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
    if (body === undefined) throw new Error("no body");
    for (const encoding of ["protobuf", "json"] as const) {
      const input =
        encoding === "protobuf" ? body : JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
      if (input === undefined) throw new Error("no body");
      const [decoded] = decodeTraceRequest(input, encoding, { maxAttributeBytes: 101 });
      // 101 bytes would split a 2-byte character: the cut backs up to 100 bytes (50 characters).
      expect(decoded?.attributes["gen_ai.input.messages"]).toBe("é".repeat(50));
      expect(decoded?.attributes.small).toBe("ok");
      expect(decoded?.oversize).toEqual([{ key: "gen_ai.input.messages", bytes: 1200 }]);
    }
  });

  it("rejects malformed protobuf with a DecodeError, never a crash or a hang", () => {
    const bodies = [
      Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), // length far past the end
      Uint8Array.from([0x0a, 0x02, 0x12]), // truncated nested message
      Uint8Array.from([0x0b]), // group wire type
      Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 11-byte varint
    ];
    for (const body of bodies) {
      expect(() => decodeTraceRequest(body, "protobuf", limits)).toThrow(DecodeError);
    }
    // Random garbage: must either decode or throw DecodeError.
    for (let seed = 1; seed < 300; seed++) {
      const body = new Uint8Array(64).map((_, i) => (seed * 7919 + i * 104729) % 256);
      try {
        decodeTraceRequest(body, "protobuf", limits);
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
      }
    }
  });

  it("tolerates invalid UTF-8 and odd JSON values", () => {
    const body = new TextEncoder().encode(
      JSON.stringify({
        resource_spans: [
          {
            scope_spans: [
              {
                spans: [
                  {
                    traceId: "5B8EFFF798038103D269B633813FC60C",
                    spanId: "EEE19B7EC3C1B174",
                    name: "chXat",
                    kind: "SPAN_KIND_CLIENT",
                    startTimeUnixNano: 1_700_000_000_000_000_000,
                    endTimeUnixNano: "1700000000500000000",
                    status: { code: "STATUS_CODE_ERROR" },
                    attributes: [
                      { key: "n", value: { intValue: "not a number" } },
                      { key: "d", value: { doubleValue: "Infinity" } },
                      { key: "e", value: {} },
                      { key: 7, value: { stringValue: "bad key" } },
                      {
                        key: "kv",
                        value: { kvlistValue: { values: [{ key: "a", value: { boolValue: true } }] } },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    // Turn the X of "chXat" into a byte that is not UTF-8.
    body[Buffer.from(body).indexOf("chXat") + 2] = 0xff;
    const [span] = decodeTraceRequest(body, "json", limits);
    expect(span?.name).toBe("ch\uFFFDat");
    expect(span?.traceId).toBe("5b8efff798038103d269b633813fc60c");
    expect(span?.kind).toBe(3);
    expect(span?.statusCode).toBe(2);
    expect(span?.endTimeUnixNano).toBe(1_700_000_000_500_000_000n);
    expect(span?.attributes.n).toBe("not a number");
    expect(span?.attributes.d).toBe(Number.POSITIVE_INFINITY);
    expect(span?.attributes.e).toBeNull();
    expect(span?.attributes.kv).toEqual({ a: true });
    expect(Object.keys(span?.attributes ?? {})).not.toContain("7");
  });

  it("replaces invalid UTF-8 inside protobuf strings instead of failing", () => {
    // resource_spans { scope_spans { spans { name: "a\xffb" } } }
    const span = [0x2a, 0x03, 0x61, 0xff, 0x62];
    const scope = [0x12, span.length, ...span];
    const resource = [0x12, scope.length, ...scope];
    const body = Uint8Array.from([0x0a, resource.length, ...resource]);
    const [decoded] = decodeTraceRequest(body, "protobuf", limits);
    expect(decoded?.name).toBe("a\uFFFDb");
  });

  it("encodes responses the real exporter can read back", () => {
    const partial = ProtobufTraceSerializer.deserializeResponse(
      encodeExportResponse("protobuf", { rejectedSpans: 3, errorMessage: "bad ids" }),
    );
    expect(Number(partial.partialSuccess?.rejectedSpans)).toBe(3);
    expect(partial.partialSuccess?.errorMessage).toBe("bad ids");
    expect(
      ProtobufTraceSerializer.deserializeResponse(encodeExportResponse("protobuf")).partialSuccess,
    ).toBeUndefined();
    const json = JsonTraceSerializer.deserializeResponse(
      encodeExportResponse("json", { rejectedSpans: 1, errorMessage: "x" }),
    );
    expect(Number(json.partialSuccess?.rejectedSpans)).toBe(1);
    expect(JSON.parse(new TextDecoder().decode(encodeStatus("json", 415, "nope")))).toEqual({
      code: 3,
      message: "nope",
    });
  });
});
