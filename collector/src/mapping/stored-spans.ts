import { type DecodedSpan, STATUS_CODE } from "../otlp/types.ts";
import type { Redactor } from "../redact/redactor.ts";
import type { SpoolSpan } from "../spool/types.ts";
import { toJsonText } from "./attributes.ts";
import { nanosToDate } from "./common.ts";

/** A span as kept for the trace view (`StoredSpan` of `@genledger/clickhouse`). */
export type StoredSpan = SpoolSpan;

const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;

/**
 * Attributes that carry prompt and output content. On spans that belong to a generation the full
 * content lives in the generation record, so the stored span keeps a short preview only: the
 * AI SDK repeats the whole conversation on every `chat` span, and keeping it per span would
 * multiply what is written for one call.
 */
const CONTENT_KEYS: ReadonlySet<string> = new Set([
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.definitions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.prompt",
  "gen_ai.completion",
  "ai.prompt",
  "ai.prompt.messages",
  "ai.prompt.tools",
  "ai.response.text",
  "ai.response.reasoning",
  "ai.response.toolCalls",
  "ai.response.object",
  "ai.response.files",
  "ai.toolCall.args",
  "ai.toolCall.result",
  "ai.values",
  "ai.value",
  "ai.embeddings",
  "ai.embedding",
  "genledger.output.partial",
  "genledger.output.object",
  "genledger.input.values",
]);

/** Bytes of content kept on a span that belongs to a generation. */
export const CONTENT_PREVIEW_BYTES = 256;

/** Cuts text to `maxBytes` UTF-8 bytes (roughly: by characters first, exactly when needed) with a marker. */
export function cutText(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return text;
  const encoded = Buffer.from(text, "utf8");
  let stop = maxBytes;
  while (stop > 0 && ((encoded[stop] as number) & 0xc0) === 0x80) stop--;
  return `${encoded.subarray(0, stop).toString("utf8")}...[cut by genledger: ${bytes} bytes]`;
}

/**
 * A decoded span as a stored span: attribute values as text (structured values as JSON), each cut
 * to `maxAttributeBytes`, redacted when the project redacts; `service.name` from the resource.
 * A span that belongs to a generation leaves out the `genledger.*` attributes (the record has
 * them) and keeps only a preview of content attributes.
 */
export function toStoredSpan(
  span: DecodedSpan,
  projectId: string,
  generationId: string,
  maxAttributeBytes: number,
  redactor: Redactor | null,
  fired: Set<string>,
): StoredSpan {
  const attributes: Record<string, string> = {};
  const owned = generationId !== "";
  for (const key in span.attributes) {
    // Our own attributes are all in the generation record (and the span keeps its generationId).
    if (owned && key.startsWith("genledger.")) continue;
    const limit =
      owned && CONTENT_KEYS.has(key) ? Math.min(CONTENT_PREVIEW_BYTES, maxAttributeBytes) : maxAttributeBytes;
    let text = toJsonText(span.attributes[key] ?? null);
    if (redactor !== null) {
      // Redact before cutting, so a secret on the cut line is not left half-visible.
      text = redactor.text(cutText(text, limit + 1024), fired);
    }
    attributes[key] = cutText(text, limit);
  }
  const service = span.resource["service.name"];
  if (typeof service === "string" && attributes["service.name"] === undefined)
    attributes["service.name"] = service;
  for (const event of span.events) {
    if (event.name !== "exception") continue;
    const message = event.attributes["exception.message"];
    if (typeof message === "string" && attributes["exception.message"] === undefined) {
      attributes["exception.message"] = cutText(
        redactor === null ? message : redactor.text(message, fired),
        maxAttributeBytes,
      );
    }
  }
  return {
    projectId,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: cutText(span.name, 1024),
    kind: KINDS[span.kind] ?? "unspecified",
    startTime: nanosToDate(span.startTimeUnixNano),
    endTime: nanosToDate(span.endTimeUnixNano),
    statusCode:
      span.statusCode === STATUS_CODE.error ? "error" : span.statusCode === STATUS_CODE.ok ? "ok" : "unset",
    statusMessage: cutText(
      redactor === null ? span.statusMessage : redactor.text(span.statusMessage, fired),
      4096,
    ),
    attributes,
    generationId,
  };
}
