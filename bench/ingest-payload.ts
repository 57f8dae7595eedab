// OTLP protobuf export bodies for the ingest benchmark: one AI SDK 7 `invoke_agent` span per
// generation with the genledger attributes the instrumentation sets, about 2.5 KB of record each.
// A template is encoded once; every request copies it and writes fresh trace, span and
// generation IDs in place, so the load generator spends almost nothing per request.
import { randomFillSync } from "node:crypto";

class Writer {
  readonly bytes: number[] = [];
  varint(value: number): void {
    let v = value;
    while (v > 0x7f) {
      this.bytes.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.bytes.push(v);
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  /** A length-delimited field whose content `body` writes; returns the content's start offset. */
  message(field: number, body: (w: Writer) => void): number {
    const inner = new Writer();
    body(inner);
    this.tag(field, 2);
    this.varint(inner.bytes.length);
    const start = this.bytes.length;
    for (const byte of inner.bytes) this.bytes.push(byte);
    return start;
  }
  raw(field: number, data: Uint8Array): number {
    this.tag(field, 2);
    this.varint(data.length);
    const start = this.bytes.length;
    for (const byte of data) this.bytes.push(byte);
    return start;
  }
  string(field: number, text: string): number {
    return this.raw(field, Buffer.from(text, "utf8"));
  }
  fixed64(field: number, value: bigint): void {
    this.tag(field, 1);
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(value);
    for (const byte of buffer) this.bytes.push(byte);
  }
}

type Value = string | number | string[];

/** Writes one attribute; returns the offset (within `w`) of a string value's bytes, or -1. */
function keyValue(w: Writer, key: string, value: Value, field = 9): number {
  let anyStart = 0;
  let stringAt = -1;
  const kvStart = w.message(field, (kv) => {
    kv.string(1, key);
    anyStart = kv.message(2, (any) => {
      if (typeof value === "string") {
        stringAt = any.string(1, value);
      } else if (typeof value === "number") {
        any.tag(3, 0);
        any.varint(value);
      } else {
        any.message(5, (array) => {
          for (const item of value) array.message(1, (inner) => inner.string(1, item));
        });
      }
    });
  });
  return stringAt < 0 ? -1 : kvStart + anyStart + stringAt;
}

const ID_PLACEHOLDER = "X".repeat(21);
const WORDS = "the quick brown fox jumps over the lazy dog while the model writes a careful answer".split(
  " ",
);

function text(length: number, seed: number): string {
  let out = "";
  let i = seed;
  while (out.length < length) out += `${WORDS[i++ % WORDS.length]} `;
  return out.slice(0, length);
}

/** Offsets (into the request body) of the IDs of one span, to overwrite per request. */
interface SpanMarks {
  traceId: number;
  spanId: number;
  generationId: number;
}

/** A request template: the encoded body and where the IDs are. */
export interface PayloadTemplate {
  body: Buffer;
  marks: SpanMarks[];
  generations: number;
}

/** Encodes a request of `generations` spans (sizes chosen so each record is about 2.5 KB). */
export function buildTemplate(generations: number): PayloadTemplate {
  const request = new Writer();
  const relative: SpanMarks[] = [];
  let resourceStart = 0;
  let scopeStart = 0;
  resourceStart = request.message(1, (resourceSpans) => {
    resourceSpans.message(1, (resource) => keyValue(resource, "service.name", "bench-app", 1));
    scopeStart = resourceSpans.message(2, (scopeSpans) => {
      scopeSpans.message(1, (scope) => scope.string(1, "gen_ai"));
      const start = 1_760_000_000_000_000_000n;
      for (let i = 0; i < generations; i++) {
        const mark: SpanMarks = { traceId: 0, spanId: 0, generationId: 0 };
        const spanStart = scopeSpans.message(2, (span) => {
          mark.traceId = span.raw(1, new Uint8Array(16));
          mark.spanId = span.raw(2, new Uint8Array(8));
          span.string(5, "invoke_agent gpt-4o-mini");
          span.tag(6, 0);
          span.varint(1);
          span.fixed64(7, start);
          span.fixed64(8, start + 850_000_000n);
          const attrs: Array<[string, Value]> = [
            ["gen_ai.operation.name", "invoke_agent"],
            ["gen_ai.provider.name", "openai"],
            ["gen_ai.request.model", "gpt-4o-mini"],
            ["gen_ai.agent.name", "support-bot"],
            ["gen_ai.system_instructions", JSON.stringify([{ type: "text", content: text(120, i) }])],
            [
              "gen_ai.input.messages",
              JSON.stringify([{ role: "user", parts: [{ type: "text", content: text(1150, i + 3) }] }]),
            ],
            [
              "gen_ai.output.messages",
              JSON.stringify([
                {
                  role: "assistant",
                  parts: [{ type: "text", content: text(850, i + 7) }],
                  finish_reason: "stop",
                },
              ]),
            ],
            ["gen_ai.response.finish_reasons", ["stop"]],
            ["gen_ai.usage.input_tokens", 310],
            ["gen_ai.usage.output_tokens", 205],
            ["genledger.operation", "generateText"],
            ["genledger.provider", "openai"],
            ["genledger.model", "gpt-4o-mini"],
            ["genledger.user.id", `user-${i % 500}`],
            ["genledger.function.id", "support-bot"],
            ["genledger.cost.total_nanos", 169_500],
            ["genledger.cost.input_nanos", 46_500],
            ["genledger.cost.output_nanos", 123_000],
            ["genledger.price.entry", "openai/gpt-4o-mini@2024-07-18"],
          ];
          for (const [key, value] of attrs) keyValue(span, key, value);
          mark.generationId = keyValue(span, "genledger.generation.id", ID_PLACEHOLDER);
        });
        relative.push({
          traceId: spanStart + mark.traceId,
          spanId: spanStart + mark.spanId,
          generationId: spanStart + mark.generationId,
        });
      }
    });
  });
  // Offsets were recorded relative to each nested message's content: make them absolute.
  const marks = relative.map((mark) => ({
    traceId: resourceStart + scopeStart + mark.traceId,
    spanId: resourceStart + scopeStart + mark.spanId,
    generationId: resourceStart + scopeStart + mark.generationId,
  }));
  return { body: Buffer.from(request.bytes), marks, generations };
}

const ALPHABET = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";

/** A copy of the template with fresh IDs; returns the body and the generation IDs in it. */
export function instantiate(template: PayloadTemplate): { body: Buffer; ids: string[] } {
  const body = Buffer.from(template.body);
  const random = randomFillSync(Buffer.alloc(template.marks.length * (16 + 8 + 21)));
  const ids: string[] = [];
  let r = 0;
  for (const mark of template.marks) {
    random.copy(body, mark.traceId, r, r + 16);
    r += 16;
    random.copy(body, mark.spanId, r, r + 8);
    r += 8;
    let id = "";
    for (let i = 0; i < 21; i++) id += ALPHABET[(random[r++] as number) & 63];
    body.write(id, mark.generationId, "latin1");
    ids.push(id);
  }
  return { body, ids };
}
