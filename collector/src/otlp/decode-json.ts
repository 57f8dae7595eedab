import { toHex } from "./protobuf-reader.ts";
import {
  type Attributes,
  type AttributeValue,
  type DecodedSpan,
  DecodeError,
  type DecodeLimits,
  emptyAttributes,
  MAX_VALUE_DEPTH,
  type SpanEvent,
} from "./types.ts";

const textDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

type Json = Record<string, unknown>;

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/**
 * Decodes an `ExportTraceServiceRequest` in the OTLP/JSON encoding: lowerCamelCase field names
 * (the proto names in snake_case are accepted too), trace and span IDs as hex, int64 as strings or
 * numbers, enums as integers or their names. Invalid UTF-8 becomes U+FFFD.
 * @throws DecodeError when the body is not JSON or not shaped like an export.
 */
export function decodeTraceRequestJson(body: Uint8Array, limits: DecodeLimits): DecodedSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textDecoder.decode(body));
  } catch (error) {
    throw new DecodeError(`body is not valid JSON: ${(error as Error).message}`);
  }
  const root = object(parsed, "request");
  const spans: DecodedSpan[] = [];
  const resourceSpans = list(field(root, "resourceSpans", "resource_spans"), "resourceSpans");
  resourceSpans.forEach((rawResourceSpans, r) => {
    const path = `resourceSpans[${r}]`;
    const entry = object(rawResourceSpans, path);
    const rawResource = field(entry, "resource");
    const resource =
      rawResource === undefined || rawResource === null
        ? emptyAttributes()
        : readAttributes(field(object(rawResource, `${path}.resource`), "attributes"), limits, undefined, 0);
    const scopeSpans = list(field(entry, "scopeSpans", "scope_spans"), `${path}.scopeSpans`);
    scopeSpans.forEach((rawScopeSpans, s) => {
      const scopePath = `${path}.scopeSpans[${s}]`;
      const scopeEntry = object(rawScopeSpans, scopePath);
      const rawScope = field(scopeEntry, "scope");
      const scope = rawScope === undefined || rawScope === null ? {} : object(rawScope, `${scopePath}.scope`);
      const scopeName = typeof scope.name === "string" ? scope.name : "";
      const scopeVersion = typeof scope.version === "string" ? scope.version : "";
      const rawSpans = list(field(scopeEntry, "spans"), `${scopePath}.spans`);
      rawSpans.forEach((rawSpan, i) => {
        spans.push(
          readSpan(object(rawSpan, `${scopePath}.spans[${i}]`), resource, scopeName, scopeVersion, limits),
        );
      });
    });
  });
  return spans;
}

function readSpan(
  raw: Json,
  resource: Attributes,
  scopeName: string,
  scopeVersion: string,
  limits: DecodeLimits,
): DecodedSpan {
  const oversize: DecodedSpan["oversize"] = [];
  const status = field(raw, "status");
  const statusObject = status !== null && typeof status === "object" ? (status as Json) : {};
  const name = field(raw, "name");
  return {
    traceId: id(field(raw, "traceId", "trace_id")),
    spanId: id(field(raw, "spanId", "span_id")),
    parentSpanId: id(field(raw, "parentSpanId", "parent_span_id")),
    name: typeof name === "string" ? cut(name, limits.maxAttributeBytes) : "",
    kind: enumValue(field(raw, "kind"), SPAN_KINDS),
    startTimeUnixNano: nanos(field(raw, "startTimeUnixNano", "start_time_unix_nano")),
    endTimeUnixNano: nanos(field(raw, "endTimeUnixNano", "end_time_unix_nano")),
    attributes: readAttributes(field(raw, "attributes"), limits, oversize, 0),
    events: readEvents(field(raw, "events"), limits),
    statusCode: enumValue(statusObject.code, STATUS_CODES),
    statusMessage: typeof statusObject.message === "string" ? cut(statusObject.message, 64 * 1024) : "",
    resource,
    scopeName,
    scopeVersion,
    oversize,
  };
}

function readEvents(raw: unknown, limits: DecodeLimits): SpanEvent[] {
  if (!Array.isArray(raw)) return [];
  const events: SpanEvent[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== "object") continue;
    const event = item as Json;
    events.push({
      name: typeof event.name === "string" ? event.name : "",
      timeUnixNano: nanos(field(event, "timeUnixNano", "time_unix_nano")),
      attributes: readAttributes(event.attributes, limits, undefined, 0),
    });
  }
  return events;
}

function readAttributes(
  raw: unknown,
  limits: DecodeLimits,
  oversize: DecodedSpan["oversize"] | undefined,
  depth: number,
): Attributes {
  const attributes = emptyAttributes();
  if (!Array.isArray(raw)) return attributes;
  for (const item of raw) {
    if (item === null || typeof item !== "object") continue;
    const entry = item as Json;
    if (typeof entry.key !== "string") continue;
    const key = entry.key;
    let recorded = false;
    const onOversize =
      oversize === undefined
        ? undefined
        : (bytes: number) => {
            if (!recorded) oversize.push({ key, bytes });
            recorded = true;
          };
    attributes[key] = readAnyValue(entry.value, limits, onOversize, depth + 1);
  }
  return attributes;
}

function readAnyValue(
  raw: unknown,
  limits: DecodeLimits,
  onOversize: ((bytes: number) => void) | undefined,
  depth: number,
): AttributeValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new DecodeError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (raw === null || typeof raw !== "object") return null;
  const value = raw as Json;
  const stringValue = field(value, "stringValue", "string_value");
  if (stringValue !== undefined) {
    return typeof stringValue === "string"
      ? cut(stringValue, limits.maxAttributeBytes, onOversize)
      : String(stringValue);
  }
  const boolValue = field(value, "boolValue", "bool_value");
  if (boolValue !== undefined) return boolValue === true || boolValue === "true";
  const intValue = field(value, "intValue", "int_value");
  if (intValue !== undefined) return intFrom(intValue);
  const doubleValue = field(value, "doubleValue", "double_value");
  if (doubleValue !== undefined) return typeof doubleValue === "number" ? doubleValue : Number(doubleValue);
  const arrayValue = field(value, "arrayValue", "array_value");
  if (arrayValue !== undefined) {
    const values =
      arrayValue !== null && typeof arrayValue === "object" ? (arrayValue as Json).values : undefined;
    return Array.isArray(values)
      ? values.map((item) => readAnyValue(item, limits, onOversize, depth + 1))
      : [];
  }
  const kvlistValue = field(value, "kvlistValue", "kvlist_value");
  if (kvlistValue !== undefined) {
    const values =
      kvlistValue !== null && typeof kvlistValue === "object" ? (kvlistValue as Json).values : undefined;
    const entries = emptyAttributes();
    if (Array.isArray(values)) {
      for (const item of values) {
        if (item === null || typeof item !== "object" || typeof (item as Json).key !== "string") continue;
        entries[(item as Json).key as string] = readAnyValue(
          (item as Json).value,
          limits,
          onOversize,
          depth + 1,
        );
      }
    }
    return entries;
  }
  const bytesValue = field(value, "bytesValue", "bytes_value");
  if (typeof bytesValue === "string") {
    const bytes = new Uint8Array(Buffer.from(bytesValue, "base64"));
    if (bytes.length > limits.maxAttributeBytes) {
      onOversize?.(bytes.length);
      return bytes.slice(0, limits.maxAttributeBytes);
    }
    return bytes;
  }
  return null;
}

/** int64 as a number when exact, else as its decimal string; anything unparsable stays as text. */
function intFrom(raw: unknown): AttributeValue {
  if (typeof raw === "number") return Number.isFinite(raw) ? Math.trunc(raw) : null;
  if (typeof raw !== "string") return null;
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) return raw;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cut(text: string, maxBytes: number, onOversize?: (bytes: number) => void): string {
  // Fast path: even at 3 bytes per UTF-16 unit the string fits.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return text;
  onOversize?.(bytes);
  const encoded = Buffer.from(text, "utf8");
  let stop = maxBytes;
  while (stop > 0 && ((encoded[stop] as number) & 0xc0) === 0x80) stop--;
  return encoded.subarray(0, stop).toString("utf8");
}

/** Hex IDs as the OTLP/JSON spec says; base64 (the generic protobuf JSON mapping) is accepted too. */
function id(raw: unknown): string {
  if (typeof raw !== "string" || raw === "") return "";
  if (/^[0-9a-fA-F]+$/.test(raw) && (raw.length === 32 || raw.length === 16)) return raw.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    const bytes = Buffer.from(raw, "base64");
    if (bytes.length === 16 || bytes.length === 8) return toHex(bytes);
  }
  // Kept as given (lower-cased) so that validation can name the bad value.
  return raw.slice(0, 64).toLowerCase();
}

function nanos(raw: unknown): bigint {
  if (typeof raw === "number" && Number.isFinite(raw) && raw >= 0) return BigInt(Math.trunc(raw));
  if (typeof raw === "string" && /^\d{1,20}$/.test(raw.trim())) {
    const value = BigInt(raw.trim());
    return value <= 0xffffffffffffffffn ? value : 0n;
  }
  return 0n;
}

function enumValue(raw: unknown, names: Record<string, number>): number {
  if (typeof raw === "number" && Number.isInteger(raw)) return raw;
  if (typeof raw === "string") {
    if (/^\d+$/.test(raw)) return Number(raw);
    return names[raw] ?? 0;
  }
  return 0;
}

function field(value: Json, camel: string, snake?: string): unknown {
  const found = value[camel];
  if (found !== undefined || snake === undefined) return found;
  return value[snake];
}

function object(raw: unknown, path: string): Json {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new DecodeError(`${path} must be an object`);
  }
  return raw as Json;
}

function list(raw: unknown, path: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new DecodeError(`${path} must be an array`);
  return raw;
}
