/**
 * The collector's view of an OTLP trace export, the same whichever encoding it came in.
 * Attribute values keep their OTLP type: strings, numbers (int64 beyond 2^53 arrive as decimal
 * strings), booleans, byte arrays, arrays and key-value lists.
 */

/** An OTLP `AnyValue`. `null` is an empty `AnyValue` (no field set). */
export type AttributeValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | readonly AttributeValue[]
  | { readonly [key: string]: AttributeValue };

/** Attributes by key (a null-prototype object; later duplicates win, as in the SDKs). */
export type Attributes = Record<string, AttributeValue>;

/** A span event (`exception`, `ai.stream.firstChunk`, `gen_ai.content.prompt`, ...). */
export interface SpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

/** OTLP status codes. */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/** One decoded span with its resource and scope. IDs are lower-case hex ("" when absent). */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: SpanEvent[];
  /** {@link STATUS_CODE}. */
  statusCode: number;
  statusMessage: string;
  /** Resource attributes (`service.name`, ...), shared by the spans of one ResourceSpans. */
  resource: Attributes;
  scopeName: string;
  scopeVersion: string;
  /**
   * Top-level attribute keys whose value (or a string inside it) exceeded the attribute size
   * limit and was cut to the limit, with the original size in bytes.
   */
  oversize: Array<{ key: string; bytes: number }>;
}

/** Limits applied while decoding. */
export interface DecodeLimits {
  /** A string or bytes value longer than this (UTF-8 bytes) is cut to this length. */
  maxAttributeBytes: number;
}

/** The body could not be decoded as an OTLP trace export. Answered with 400. */
export class DecodeError extends Error {
  override name = "DecodeError";
}

/** Values nested deeper than this (arrays in arrays, ...) make the body undecodable. */
export const MAX_VALUE_DEPTH = 32;

/** A null-prototype object for attributes, so keys like `__proto__` stay plain data. */
export function emptyAttributes(): Attributes {
  return Object.create(null) as Attributes;
}
