import { checkEnd, ProtobufReader, wrongWire } from "./protobuf-reader.ts";
import { type Context, createContext, readKeyValue } from "./protobuf-values.ts";
import {
  type Attributes,
  type DecodedSpan,
  type DecodeLimits,
  emptyAttributes,
  type SpanEvent,
} from "./types.ts";

/**
 * Decodes an `ExportTraceServiceRequest` (opentelemetry/proto/collector/trace/v1) from protobuf.
 * Field numbers follow opentelemetry-proto v1; unknown fields are skipped as the protobuf rules
 * require, so newer exporters keep working.
 * @throws DecodeError when the body is not a well-formed export.
 */
export function decodeTraceRequestProtobuf(body: Uint8Array, limits: DecodeLimits): DecodedSpan[] {
  const reader = new ProtobufReader(body);
  const spans: DecodedSpan[] = [];
  while (reader.pos < body.length) {
    const tag = reader.varint();
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      readResourceSpans(reader, reader.lengthEnd(), limits, spans);
    } else {
      reader.skip(tag & 7);
    }
  }
  return spans;
}

function readResourceSpans(
  reader: ProtobufReader,
  end: number,
  limits: DecodeLimits,
  out: DecodedSpan[],
): void {
  let resource: Attributes = emptyAttributes();
  const ctx = createContext(limits);
  const scopeStarts: Array<{ start: number; end: number }> = [];
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 2) {
      resource = readResource(reader, reader.lengthEnd(), ctx);
    } else if (field === 2 && (tag & 7) === 2) {
      // The resource may come after the scopes on the wire: read scopes once it is known.
      const scopeEnd = reader.lengthEnd();
      scopeStarts.push({ start: reader.pos, end: scopeEnd });
      reader.pos = scopeEnd;
    } else {
      reader.skip(tag & 7);
    }
  }
  checkEnd(reader, end);
  for (const scope of scopeStarts) {
    reader.pos = scope.start;
    readScopeSpans(reader, scope.end, resource, ctx, out);
  }
  reader.pos = end;
}

function readResource(reader: ProtobufReader, end: number, ctx: Context): Attributes {
  const attributes = emptyAttributes();
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag >>> 3 === 1 && (tag & 7) === 2) readKeyValue(reader, reader.lengthEnd(), ctx, attributes, 0);
    else reader.skip(tag & 7);
  }
  checkEnd(reader, end);
  return attributes;
}

function readScopeSpans(
  reader: ProtobufReader,
  end: number,
  resource: Attributes,
  ctx: Context,
  out: DecodedSpan[],
): void {
  let scopeName = "";
  let scopeVersion = "";
  const spanRanges: Array<{ start: number; end: number }> = [];
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 2) {
      const scopeEnd = reader.lengthEnd();
      while (reader.pos < scopeEnd) {
        const inner = reader.varint();
        if (inner >>> 3 === 1 && (inner & 7) === 2) scopeName = reader.string(1024);
        else if (inner >>> 3 === 2 && (inner & 7) === 2) scopeVersion = reader.string(1024);
        else reader.skip(inner & 7);
      }
      checkEnd(reader, scopeEnd);
    } else if (field === 2 && (tag & 7) === 2) {
      const spanEnd = reader.lengthEnd();
      spanRanges.push({ start: reader.pos, end: spanEnd });
      reader.pos = spanEnd;
    } else {
      reader.skip(tag & 7);
    }
  }
  checkEnd(reader, end);
  for (const range of spanRanges) {
    reader.pos = range.start;
    out.push(readSpan(reader, range.end, resource, scopeName, scopeVersion, ctx));
  }
  reader.pos = end;
}

function readSpan(
  reader: ProtobufReader,
  end: number,
  resource: Attributes,
  scopeName: string,
  scopeVersion: string,
  ctx: Context,
): DecodedSpan {
  const span: DecodedSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: emptyAttributes(),
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource,
    scopeName,
    scopeVersion,
    oversize: [],
  };
  while (reader.pos < end) {
    const tag = reader.varint();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wire !== 2) throw wrongWire("Span.trace_id", wire);
        span.traceId = reader.hex();
        break;
      case 2:
        if (wire !== 2) throw wrongWire("Span.span_id", wire);
        span.spanId = reader.hex();
        break;
      case 4:
        if (wire !== 2) throw wrongWire("Span.parent_span_id", wire);
        span.parentSpanId = reader.hex();
        break;
      case 5:
        if (wire !== 2) throw wrongWire("Span.name", wire);
        span.name = reader.string(ctx.limits.maxAttributeBytes);
        break;
      case 6:
        if (wire !== 0) throw wrongWire("Span.kind", wire);
        span.kind = reader.varint();
        break;
      case 7:
        if (wire !== 1) throw wrongWire("Span.start_time_unix_nano", wire);
        span.startTimeUnixNano = reader.fixed64();
        break;
      case 8:
        if (wire !== 1) throw wrongWire("Span.end_time_unix_nano", wire);
        span.endTimeUnixNano = reader.fixed64();
        break;
      case 9: {
        if (wire !== 2) throw wrongWire("Span.attributes", wire);
        readKeyValue(reader, reader.lengthEnd(), ctx, span.attributes, 0, span.oversize);
        break;
      }
      case 11:
        if (wire !== 2) throw wrongWire("Span.events", wire);
        span.events.push(readEvent(reader, reader.lengthEnd(), ctx));
        break;
      case 15: {
        if (wire !== 2) throw wrongWire("Span.status", wire);
        const statusEnd = reader.lengthEnd();
        while (reader.pos < statusEnd) {
          const inner = reader.varint();
          if (inner >>> 3 === 2 && (inner & 7) === 2) span.statusMessage = reader.string(64 * 1024);
          else if (inner >>> 3 === 3 && (inner & 7) === 0) span.statusCode = reader.varint();
          else reader.skip(inner & 7);
        }
        checkEnd(reader, statusEnd);
        break;
      }
      default:
        reader.skip(wire);
    }
  }
  checkEnd(reader, end);
  return span;
}

function readEvent(reader: ProtobufReader, end: number, ctx: Context): SpanEvent {
  const event: SpanEvent = { name: "", timeUnixNano: 0n, attributes: emptyAttributes() };
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 1) event.timeUnixNano = reader.fixed64();
    else if (field === 2 && (tag & 7) === 2) event.name = reader.string(1024);
    else if (field === 3 && (tag & 7) === 2)
      readKeyValue(reader, reader.lengthEnd(), ctx, event.attributes, 0);
    else reader.skip(tag & 7);
  }
  checkEnd(reader, end);
  return event;
}
