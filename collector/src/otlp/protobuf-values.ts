import { checkEnd, type ProtobufReader, wrongWire } from "./protobuf-reader.ts";
import {
  type Attributes,
  type AttributeValue,
  type DecodedSpan,
  DecodeError,
  type DecodeLimits,
  emptyAttributes,
  MAX_VALUE_DEPTH,
} from "./types.ts";

/** Decoding state shared by the value readers. */
export interface Context {
  limits: DecodeLimits;
  /** The span's oversize list while one of its top-level attributes is read, else undefined. */
  list: DecodedSpan["oversize"] | undefined;
  /** The top-level attribute being read, and whether it was already reported. */
  key: string;
  recorded: boolean;
  /** Records an oversize value against the current top-level key (once); made once per request. */
  report: (bytes: number) => void;
}

/** A context for one request. */
export function createContext(limits: DecodeLimits): Context {
  const ctx: Context = {
    limits,
    list: undefined,
    key: "",
    recorded: false,
    report: (bytes) => {
      if (ctx.list === undefined || ctx.recorded) return;
      ctx.list.push({ key: ctx.key, bytes });
      ctx.recorded = true;
    },
  };
  return ctx;
}

/**
 * Reads one `KeyValue` into `into`. Top-level span attributes pass `oversize`, so that a value cut
 * at the attribute limit (or a string inside it) is recorded against its key.
 */
export function readKeyValue(
  reader: ProtobufReader,
  end: number,
  ctx: Context,
  into: Attributes,
  depth: number,
  oversize?: DecodedSpan["oversize"],
): void {
  let key = "";
  let value: AttributeValue = null;
  let valueStart = -1;
  let valueEnd = -1;
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 2) {
      key = reader.string(4096);
    } else if (field === 2 && (tag & 7) === 2) {
      // The key may follow the value on the wire: remember where the value is.
      valueEnd = reader.lengthEnd();
      valueStart = reader.pos;
      reader.pos = valueEnd;
    } else {
      reader.skip(tag & 7);
    }
  }
  checkEnd(reader, end);
  if (valueStart >= 0) {
    reader.pos = valueStart;
    if (oversize === undefined) {
      value = readAnyValue(reader, valueEnd, ctx, depth + 1);
    } else {
      ctx.list = oversize;
      ctx.key = key;
      ctx.recorded = false;
      value = readAnyValue(reader, valueEnd, ctx, depth + 1);
      // Top-level attributes do not nest: nothing to restore but "not in a span attribute".
      ctx.list = undefined;
    }
    reader.pos = end;
  }
  into[key] = value;
}

export function readAnyValue(
  reader: ProtobufReader,
  end: number,
  ctx: Context,
  depth: number,
): AttributeValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new DecodeError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.varint();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wire !== 2) throw wrongWire("AnyValue.string_value", wire);
        value = reader.string(ctx.limits.maxAttributeBytes, ctx.report);
        break;
      case 2:
        if (wire !== 0) throw wrongWire("AnyValue.bool_value", wire);
        value = reader.varint() !== 0;
        break;
      case 3: {
        if (wire !== 0) throw wrongWire("AnyValue.int_value", wire);
        const big = reader.int64();
        value =
          big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(big)
            : `${big}`;
        break;
      }
      case 4:
        if (wire !== 1) throw wrongWire("AnyValue.double_value", wire);
        value = reader.double();
        break;
      case 5: {
        if (wire !== 2) throw wrongWire("AnyValue.array_value", wire);
        const arrayEnd = reader.lengthEnd();
        const items: AttributeValue[] = [];
        while (reader.pos < arrayEnd) {
          const inner = reader.varint();
          if (inner >>> 3 === 1 && (inner & 7) === 2)
            items.push(readAnyValue(reader, reader.lengthEnd(), ctx, depth + 1));
          else reader.skip(inner & 7);
        }
        checkEnd(reader, arrayEnd);
        value = items;
        break;
      }
      case 6: {
        if (wire !== 2) throw wrongWire("AnyValue.kvlist_value", wire);
        const listEnd = reader.lengthEnd();
        const entries = emptyAttributes();
        while (reader.pos < listEnd) {
          const inner = reader.varint();
          if (inner >>> 3 === 1 && (inner & 7) === 2)
            readKeyValue(reader, reader.lengthEnd(), ctx, entries, depth + 1);
          else reader.skip(inner & 7);
        }
        checkEnd(reader, listEnd);
        value = entries;
        break;
      }
      case 7: {
        if (wire !== 2) throw wrongWire("AnyValue.bytes_value", wire);
        const bytes = reader.bytes();
        if (bytes.length > ctx.limits.maxAttributeBytes) {
          ctx.report(bytes.length);
          value = bytes.slice(0, ctx.limits.maxAttributeBytes);
        } else {
          value = bytes.slice();
        }
        break;
      }
      default:
        reader.skip(wire);
    }
  }
  checkEnd(reader, end);
  return value;
}
