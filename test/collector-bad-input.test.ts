import { gzipSync } from "node:zlib";
import { type IngestBatch, SpoolFullError } from "@genledger/collector";
import { ATTR, deriveGenerationId, type Generation } from "@genledger/core";
import type { AttributeValue as OtelValue } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CollectorHarness, HARNESS_KEY, startCollectorHarness } from "./support/collector-harness.ts";

/**
 * The bad-input battery: every case gets the response documented in collector/README.md, nothing
 * crashes the collector, and what is valid in the same request is kept.
 */

const MIB = 1024 * 1024;
type BodyInit = NonNullable<RequestInit["body"]>;
let harness: CollectorHarness;

beforeAll(async () => {
  harness = await startCollectorHarness({
    limits: { maxBodyBytes: 48 * MIB, maxDecompressedBytes: 64 * MIB },
  });
});
afterAll(async () => {
  await harness.stop();
});

let counter = 0;
function nextSpanId(): string {
  counter += 1;
  return counter.toString(16).padStart(16, "a");
}
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

type Value = string | number | boolean | Value[] | { [key: string]: Value };

function anyValue(value: Value): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number")
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return {
    kvlistValue: { values: Object.entries(value).map(([key, item]) => ({ key, value: anyValue(item) })) },
  };
}

/** A GenAI chat span in OTLP/JSON; `raw` attributes are sent as given (to send wrong types). */
function chat(options: {
  spanId?: string;
  traceId?: string;
  name?: string;
  attributes?: Record<string, Value>;
  raw?: Array<Record<string, unknown>>;
}) {
  const start = 1_760_000_000_000_000_000n;
  const attributes: Record<string, Value> = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "hello" }] }]),
    "gen_ai.output.messages": JSON.stringify([
      { role: "assistant", parts: [{ type: "text", content: "hi" }] },
    ]),
    "gen_ai.usage.input_tokens": 10,
    "gen_ai.usage.output_tokens": 5,
    ...options.attributes,
  };
  return {
    traceId: options.traceId ?? TRACE,
    spanId: options.spanId ?? nextSpanId(),
    name: options.name ?? "chat gpt-4o-mini",
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 500_000_000n),
    attributes: [
      ...Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
      ...(options.raw ?? []),
    ],
  };
}

function exportJson(spans: object[]): string {
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ scope: { name: "other-emitter" }, spans }] }] });
}

interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  json: () => unknown;
}

async function post(
  body: BodyInit,
  options: { contentType?: string | null; headers?: Record<string, string>; key?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
  if (options.key !== null) headers.Authorization = `Bearer ${options.key ?? HARNESS_KEY}`;
  const response = await fetch(harness.tracesUrl, {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    json: () => JSON.parse(new TextDecoder().decode(bytes)),
  };
}

/** `google.rpc.Status` in protobuf: field 1 code (varint), field 2 message. */
function decodeStatusProtobuf(bytes: Uint8Array): { code: number; message: string } {
  let pos = 0;
  let code = 0;
  let message = "";
  while (pos < bytes.length) {
    const tag = bytes[pos++] as number;
    if (tag === 0x08) code = bytes[pos++] as number;
    else if (tag === 0x12) {
      let length = 0;
      let shift = 0;
      for (;;) {
        const byte = bytes[pos++] as number;
        length |= (byte & 0x7f) << shift;
        shift += 7;
        if ((byte & 0x80) === 0) break;
      }
      message = new TextDecoder().decode(bytes.subarray(pos, pos + length));
      pos += length;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message };
}

function partial(answer: Answer): { rejectedSpans: number; errorMessage: string } {
  const body = answer.json() as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
  return {
    rejectedSpans: Number(body.partialSuccess?.rejectedSpans ?? 0),
    errorMessage: body.partialSuccess?.errorMessage ?? "",
  };
}

async function stored(): Promise<{ generations: Generation[]; batches: IngestBatch[] }> {
  const batches = await harness.drain();
  return { generations: batches.flatMap((batch) => batch.generations), batches };
}

/** Real SDK spans with the given attributes, serialized by the real OTLP serializer. */
function sdkExport(spans: Array<{ name: string; attributes: Record<string, OtelValue> }>): {
  protobuf: Uint8Array;
  json: Uint8Array;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  for (const item of spans)
    provider.getTracer("other-emitter").startSpan(item.name, { attributes: item.attributes }).end();
  const finished = exporter.getFinishedSpans();
  const protobuf = ProtobufTraceSerializer.serializeRequest(finished);
  const json = JsonTraceSerializer.serializeRequest(finished);
  if (protobuf === undefined || json === undefined) throw new Error("serializer returned nothing");
  return { protobuf, json };
}

describe("whole requests that cannot be accepted", () => {
  it("answers 400 with a protobuf Status for malformed protobuf, and stores nothing", async () => {
    const answer = await post(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x02]), {
      contentType: "application/x-protobuf",
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("content-type")).toBe("application/x-protobuf");
    const status = decodeStatusProtobuf(answer.bytes);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/cannot decode the protobuf body/);
    expect((await stored()).batches).toEqual([]);
  });

  it("answers 400 for JSON that is not JSON or not an export", async () => {
    for (const body of ["{not json", '{"resourceSpans":{"x":1}}', "[1,2,3]"]) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({
        code: 3,
        message: expect.stringMatching(/cannot decode the json body/),
      });
    }
  });

  it("answers 415 for a content type or encoding it does not speak", async () => {
    const plain = await post("hello", { contentType: "text/plain" });
    expect(plain.status).toBe(415);
    expect(plain.json()).toMatchObject({
      message: expect.stringMatching(/application\/x-protobuf or application\/json/),
    });
    expect((await post("{}", { contentType: null })).status).toBe(415);
    const brotli = await post("{}", { headers: { "Content-Encoding": "br" } });
    expect(brotli.status).toBe(415);
    expect(brotli.json()).toMatchObject({ message: expect.stringMatching(/Content-Encoding "br"/) });
  });

  it("accepts content types by inclusion and gzip bodies", async () => {
    const gz = gzipSync(Buffer.from(exportJson([chat({})])));
    const answer = await post(gz, {
      contentType: "application/json; charset=utf-8",
      headers: { "Content-Encoding": "gzip" },
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({});
    expect((await stored()).generations).toHaveLength(1);
  });

  it("answers 401 without a valid key, in the request's encoding", async () => {
    const missing = await post(exportJson([chat({})]), { key: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(missing.json()).toMatchObject({ code: 16, message: expect.stringMatching(/missing ingest key/) });
    const wrong = await post(sdkExport([{ name: "x", attributes: {} }]).protobuf, {
      contentType: "application/x-protobuf",
      key: "not-a-real-key-123",
    });
    expect(wrong.status).toBe(401);
    expect(decodeStatusProtobuf(wrong.bytes).message).toMatch(/invalid ingest key/);
    const header = await post(exportJson([]), { key: null, headers: { "x-genledger-key": HARNESS_KEY } });
    expect(header.status).toBe(200);
  });

  it("answers 405 and 404 for wrong methods and paths", async () => {
    expect((await fetch(harness.tracesUrl)).status).toBe(405);
    const unknown = await fetch(`${harness.url}/v1/metrics`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: expect.stringMatching(/POST \/v1\/traces/) });
  });

  it("answers 413 for a body over the size limit, declared or streamed", async () => {
    const big = Buffer.alloc(49 * MIB, 0x20);
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({
      message: expect.stringMatching(/GENLEDGER_INGEST_MAX_BODY_BYTES/),
    });
    // Chunked, so the size is only known while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 49; i++) controller.enqueue(new Uint8Array(MIB).fill(0x20));
        controller.close();
      },
    });
    const streamed = await post(stream as unknown as BodyInit).catch((error: unknown) => error);
    // The collector answers and closes; the client may see the 413 or a reset while still sending.
    if (!(streamed instanceof Error)) expect((streamed as Answer).status).toBe(413);
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
  });

  it("stops inflating a gzip bomb at the decompressed limit (413) without holding it in memory", async () => {
    // 512 MiB of zeros compress to about 500 KiB; the limit here is 64 MiB.
    const bomb = gzipSync(Buffer.alloc(512 * MIB), { level: 9 });
    expect(bomb.length).toBeLessThan(MIB);
    const before = process.memoryUsage().rss;
    const answer = await post(bomb, { headers: { "Content-Encoding": "gzip" } });
    const after = process.memoryUsage().rss;
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({
      message: expect.stringMatching(/GENLEDGER_INGEST_MAX_DECOMPRESSED_BYTES/),
    });
    expect(after - before).toBeLessThan(256 * MIB);
    const notGzip = await post("plain", { headers: { "Content-Encoding": "gzip" } });
    expect(notGzip.status).toBe(400);
    expect(notGzip.json()).toMatchObject({ message: expect.stringMatching(/not valid gzip/) });
  });

  it("answers 503 with Retry-After once the spool is full, without losing what it acknowledged", async () => {
    const small = await startCollectorHarness({}, { spoolMaxBytes: 16 * 1024 });
    try {
      let acknowledged = 0;
      let refused: Response | undefined;
      for (let i = 0; i < 50 && refused === undefined; i++) {
        const response = await fetch(small.tracesUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${HARNESS_KEY}` },
          body: exportJson([chat({})]),
        });
        if (response.status === 200) acknowledged += 1;
        else refused = response;
      }
      expect(refused?.status).toBe(503);
      expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await refused?.json()).toMatchObject({
        code: 14,
        message: expect.stringMatching(/spool is full/),
      });
      const batches = await small.drain();
      expect(batches.flatMap((batch) => batch.generations)).toHaveLength(acknowledged);
      expect(SpoolFullError.name).toBe("SpoolFullError");
    } finally {
      await small.stop();
    }
  });
});

describe("bad spans inside an accepted request", () => {
  it("keeps invalid UTF-8 as U+FFFD, in protobuf and JSON", async () => {
    const payload = sdkExport([
      {
        name: "chat bad-utf8",
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.input.messages": JSON.stringify([
            { role: "user", parts: [{ type: "text", content: "caf\u00e9 XX" }] },
          ]),
        },
      },
    ]);
    for (const [body, contentType] of [
      [payload.protobuf, "application/x-protobuf"],
      [payload.json, "application/json"],
    ] as const) {
      const bytes = Buffer.from(body);
      const at = bytes.indexOf("XX");
      bytes[at] = 0xff; // a lone continuation-less byte: not UTF-8
      bytes[at + 1] = 0xc3; // a lead byte without its continuation
      const answer = await post(bytes, { contentType });
      expect(answer.status).toBe(200);
      const [generation] = (await stored()).generations;
      expect(generation?.prompt.messages[0]?.parts[0]?.content).toBe("café \uFFFD\uFFFD");
    }
  });

  it("tolerates wrong attribute types: numbers as text, messages as numbers, lists as strings", async () => {
    const valid = chat({ spanId: "1111111111111111" });
    const odd = chat({
      spanId: "2222222222222222",
      attributes: {
        "gen_ai.usage.input_tokens": "120",
        "gen_ai.usage.output_tokens": "lots",
        "gen_ai.input.messages": 42,
        "gen_ai.output.messages": "not json at all",
        "gen_ai.response.finish_reasons": "stop",
        "gen_ai.request.model": 7,
        [ATTR.tags]: "single-tag",
        [ATTR.costTotal]: -5,
      },
      raw: [
        { key: "gen_ai.provider.name", value: { boolValue: true } },
        { key: ATTR.generationId, value: { arrayValue: { values: [] } } },
      ],
    });
    const answer = await post(exportJson([valid, odd]));
    expect(answer.status).toBe(200);
    const result = partial(answer);
    expect(result.rejectedSpans).toBe(0);
    expect(result.errorMessage).toContain("gen_ai.usage.output_tokens is not a number");
    const { generations } = await stored();
    expect(generations).toHaveLength(2);
    const mapped = generations.find((generation) => generation.spanId === "2222222222222222");
    expect(mapped).toMatchObject({
      model: "7",
      provider: "true",
      finishReason: "stop",
      tags: ["single-tag"],
      usage: { inputTokens: 120, outputTokens: 0 },
      prompt: { messages: [{ role: "user", parts: [{ type: "text", content: "42" }] }] },
      output: { messages: [{ role: "assistant", parts: [{ type: "text", content: "not json at all" }] }] },
    });
  });

  it("clamps negative token counts, rejects absurd ones, and keeps the rest of the request", async () => {
    const answer = await post(
      exportJson([
        chat({ spanId: "3333333333333333", attributes: { "gen_ai.usage.input_tokens": -40 } }),
        chat({ spanId: "4444444444444444", attributes: { "gen_ai.usage.output_tokens": 9_000_000_000_000 } }),
        chat({ spanId: "5555555555555555" }),
      ]),
    );
    expect(answer.status).toBe(200);
    const result = partial(answer);
    expect(result.rejectedSpans).toBe(1);
    expect(result.errorMessage).toContain("gen_ai.usage.input_tokens was negative (-40); counted as 0");
    expect(result.errorMessage).toContain("gen_ai.usage.output_tokens=9000000000000 is above the limit");
    const { generations } = await stored();
    expect(generations.map((generation) => generation.spanId).sort()).toEqual([
      "3333333333333333",
      "5555555555555555",
    ]);
    expect(
      generations.find((generation) => generation.spanId === "3333333333333333")?.usage.inputTokens,
    ).toBe(0);
  });

  it("stores an unknown model as unpriced with no cost, never 0", async () => {
    const answer = await post(
      exportJson([chat({ attributes: { "gen_ai.request.model": "mystery-model-x1" } })]),
    );
    expect(answer.status).toBe(200);
    const [generation] = (await stored()).generations;
    expect(generation).toMatchObject({
      model: "mystery-model-x1",
      unpriced: true,
      cost: null,
      priceEntry: "",
    });
  });

  it("stores a 10 MB prompt in full, and cuts nothing else in the request", async () => {
    const prompt = "lorem ipsum ".repeat(Math.ceil((10 * 1000 * 1000) / 12));
    const body = sdkExport([
      {
        name: "chat big",
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.input.messages": JSON.stringify([
            { role: "user", parts: [{ type: "text", content: prompt }] },
          ]),
          "gen_ai.usage.input_tokens": 2_500_000,
        },
      },
      {
        name: "chat small",
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 3,
        },
      },
    ]).protobuf;
    const answer = await post(body, { contentType: "application/x-protobuf" });
    expect(answer.status).toBe(200);
    expect(ProtobufTraceSerializer.deserializeResponse(answer.bytes).partialSuccess).toBeUndefined();
    const { generations, batches } = await stored();
    expect(generations).toHaveLength(2);
    const big = generations.find((generation) => generation.usage.inputTokens === 2_500_000);
    expect(big?.prompt.messages[0]?.parts[0]?.content).toBe(prompt);
    // The trace view keeps a cut copy only.
    const span = batches.flatMap((batch) => batch.spans).find((item) => item.name === "chat big");
    expect(span?.attributes["gen_ai.input.messages"]?.length).toBeLessThan(9000);
  });

  it("replaces a prompt over the attribute limit by a note and says so", async () => {
    const small = await startCollectorHarness({ limits: { maxAttributeBytes: 64 * 1024 } });
    try {
      const prompt = "x".repeat(200 * 1024);
      const response = await fetch(small.tracesUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${HARNESS_KEY}` },
        body: exportJson([
          chat({
            attributes: {
              "gen_ai.input.messages": JSON.stringify([
                { role: "user", parts: [{ type: "text", content: prompt }] },
              ]),
            },
          }),
        ]),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        partialSuccess: { errorMessage: string; rejectedSpans?: string };
      };
      expect(body.partialSuccess.errorMessage).toContain("GENLEDGER_INGEST_MAX_ATTRIBUTE_BYTES");
      expect(Number(body.partialSuccess.rejectedSpans ?? 0)).toBe(0);
      const [generation] = (await small.drain()).flatMap((batch) => batch.generations);
      expect(generation?.prompt.messages[0]?.parts[0]).toMatchObject({ type: "note" });
      expect(generation?.output.messages[0]?.parts[0]).toEqual({ type: "text", content: "hi" });
    } finally {
      await small.stop();
    }
  });

  it("treats path-traversal-shaped names and IDs as data, and rejects unusable IDs", async () => {
    const image = Buffer.from("not really a png").toString("base64");
    const answer = await post(
      exportJson([
        chat({ spanId: "6666666666666666", attributes: { [ATTR.generationId]: "../../etc/passwd" } }),
        chat({ traceId: "../../../../etc/passwd", spanId: "7777777777777777" }),
        chat({
          spanId: "8888888888888888",
          name: "../../../etc/passwd",
          attributes: {
            [ATTR.userId]: "../../root",
            [`${ATTR.metadataPrefix}../../x`]: "y",
            "gen_ai.input.messages": JSON.stringify([
              {
                role: "user",
                parts: [
                  { type: "blob", modality: "../../image", mime_type: "../../../etc/passwd", content: image },
                ],
              },
            ]),
          },
        }),
      ]),
    );
    expect(answer.status).toBe(200);
    const result = partial(answer);
    expect(result.rejectedSpans).toBe(2);
    expect(result.errorMessage).toContain('genledger.generation.id "../../etc/passwd" is not a valid ID');
    expect(result.errorMessage).toContain("trace ID");
    const { generations, batches } = await stored();
    expect(generations).toHaveLength(1);
    const [generation] = generations;
    expect(generation?.id).toBe(deriveGenerationId(TRACE, "8888888888888888"));
    expect(generation?.userId).toBe("../../root");
    expect(generation?.metadata["../../x"]).toBe("y");
    const part = generation?.prompt.messages[0]?.parts[0];
    expect(part).toMatchObject({ type: "file", mime_type: "application/octet-stream", modality: "file" });
    expect(part?.file_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(batches[0]?.spans.find((span) => span.spanId === "8888888888888888")?.name).toBe(
      "../../../etc/passwd",
    );
  });

  it("rejects the spans over the per-request limit with a partial success", async () => {
    const limited = await startCollectorHarness({ limits: { maxSpansPerRequest: 3 } });
    try {
      const response = await fetch(limited.tracesUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${HARNESS_KEY}` },
        body: exportJson([chat({}), chat({}), chat({}), chat({}), chat({})]),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        partialSuccess: { rejectedSpans: string; errorMessage: string };
      };
      expect(body.partialSuccess.rejectedSpans).toBe("2");
      expect(body.partialSuccess.errorMessage).toContain("GENLEDGER_INGEST_MAX_SPANS");
      expect((await limited.drain()).flatMap((batch) => batch.generations)).toHaveLength(3);
    } finally {
      await limited.stop();
    }
  });

  it("is still healthy and counted every refusal in /metrics", async () => {
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/genledger_collector_requests_rejected_total\{reason="undecodable"\} [1-9]/);
    expect(metrics).toMatch(/genledger_collector_spans_rejected_total\{reason="absurd_tokens"\} 1/);
    expect(metrics).toMatch(/genledger_collector_requests_total\{code="413",route="traces"\} [1-9]/);
  });
});
