import { DecodeError } from "./types.ts";

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/**
 * A bounds-checked reader of the protobuf wire format over one buffer. Every read checks the
 * remaining length and throws {@link DecodeError} on truncated or malformed input, so a hostile
 * body can never read past its end or loop forever. Strings decode leniently: invalid UTF-8
 * becomes U+FFFD instead of failing the whole export.
 */
export class ProtobufReader {
  readonly buf: Buffer;
  readonly view: DataView;
  pos: number;

  constructor(buf: Uint8Array) {
    // A Buffer view (no copy): its native UTF-8 and hex decoding are much faster than TextDecoder
    // for the many short strings of an export, and replace invalid UTF-8 with U+FFFD the same way.
    this.buf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
  }

  /** Lower-case hex of a length-delimited field. */
  hex(): string {
    const end = this.lengthEnd();
    const out = this.buf.toString("hex", this.pos, end);
    this.pos = end;
    return out;
  }

  /** A varint up to 2^53 as a number; larger values lose precision (never used for sizes). */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new DecodeError("truncated varint");
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
    throw new DecodeError("varint longer than 10 bytes");
  }

  /** A varint as a signed 64-bit integer (two's complement), exact. */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new DecodeError("truncated varint");
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new DecodeError("varint longer than 10 bytes");
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.buf.length) throw new DecodeError("truncated fixed64");
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw new DecodeError("truncated double");
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The end offset of a length-delimited field starting here; the reader moves past the length. */
  lengthEnd(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.buf.length) {
      throw new DecodeError(`length ${length} at offset ${this.pos} runs past the end of the body`);
    }
    return end;
  }

  bytes(): Uint8Array {
    const end = this.lengthEnd();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /** A string, cut to `maxBytes` UTF-8 bytes; `onOversize` gets the original size when cut. */
  string(maxBytes = Number.POSITIVE_INFINITY, onOversize?: (bytes: number) => void): string {
    const end = this.lengthEnd();
    const length = end - this.pos;
    let stop = end;
    if (length > maxBytes) {
      onOversize?.(length);
      stop = this.pos + maxBytes;
      // Do not cut inside a multi-byte character: back up to a lead byte.
      while (stop > this.pos && ((this.buf[stop] as number) & 0xc0) === 0x80) stop--;
    }
    const out = this.buf.toString("utf8", this.pos, stop);
    this.pos = end;
    return out;
  }

  /** Skips a field of `wireType`. Groups (3, 4) are not used by OTLP and make the body invalid. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        if (this.pos + 8 > this.buf.length) throw new DecodeError("truncated fixed64");
        this.pos += 8;
        return;
      case 2:
        this.pos = this.lengthEnd();
        return;
      case 5:
        if (this.pos + 4 > this.buf.length) throw new DecodeError("truncated fixed32");
        this.pos += 4;
        return;
      default:
        throw new DecodeError(`unsupported wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

/** Throws unless a nested message ended exactly at its declared end. */
export function checkEnd(reader: ProtobufReader, end: number): void {
  if (reader.pos !== end) throw new DecodeError(`field runs past its message end at offset ${reader.pos}`);
}

/** The error for a known field sent with another wire type than its declared one. */
export function wrongWire(field: string, wire: number): DecodeError {
  return new DecodeError(`${field} has wire type ${wire}, which does not match its declared type`);
}
