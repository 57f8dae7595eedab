// Decoder for ClickHouse's `Native` output format (columnar, binary), for the few types large
// results use. A JSON document of the same 195k-row spend result costs ~400 ms to format and parse;
// Native costs ~25 ms to write and a few ms to decode (docs/decisions/001).

/**
 * One decoded column. `String` -> strings; 8- to 32-bit integers, `Date` (days since the epoch),
 * `DateTime` (seconds) and `Float64` -> a Float64Array; `UInt64`/`UInt128` -> a Float64Array when
 * every value is at most 2^53 - 1 (exact), else bigints (exact).
 */
export type NativeColumn = string[] | Float64Array | bigint[];

/** A decoded result: its columns in order, with their ClickHouse types, and the row count. */
export interface NativeResult {
  rows: number;
  names: string[];
  types: string[];
  columns: NativeColumn[];
}

const FIXED: Record<string, 1 | 2 | 4> = {
  UInt8: 1,
  Bool: 1,
  UInt16: 2,
  Date: 2,
  UInt32: 4,
  DateTime: 4,
  "DateTime('UTC')": 4,
};
const TWO_POW_32 = 4_294_967_296;
const MAX_SAFE_HIGH = 2 ** 21; // high 32-bit word of a value above 2^53 - 1 is at least 2^21

/**
 * Decodes a `FORMAT Native` body (one or more blocks with the same columns) into columns.
 * @throws {RangeError} on a truncated body, a type it does not decode, or blocks that disagree.
 */
export function decodeNative(body: Uint8Array): NativeResult {
  const reader = new Reader(body);
  let names: string[] | null = null;
  let types: string[] = [];
  // Per column: strings go straight into one array; numbers stay per block until the end.
  const strings: string[][] = [];
  const blocks: Array<Array<Float64Array | bigint[]>> = [];
  let rows = 0;
  while (reader.pos < body.length) {
    const columnCount = reader.varUInt();
    const rowCount = reader.varUInt();
    const blockNames: string[] = [];
    const blockTypes: string[] = [];
    for (let c = 0; c < columnCount; c++) {
      blockNames.push(reader.string());
      const type = reader.string();
      blockTypes.push(type);
      // A block without rows carries no column data.
      if (rowCount === 0) continue;
      if (type === "String" || type === "LowCardinality(String)") {
        const out = strings[c] ?? [];
        strings[c] = out;
        if (type === "String") readStrings(reader, rowCount, out);
        else readLowCardinality(reader, rowCount, out);
      } else {
        const out = blocks[c] ?? [];
        blocks[c] = out;
        out.push(readNumbers(reader, type, rowCount));
      }
    }
    if (names === null) {
      names = blockNames;
      types = blockTypes;
    } else if (blockNames.join("\0") !== names.join("\0") || blockTypes.join("\0") !== types.join("\0")) {
      throw new RangeError("Native blocks with different columns");
    }
    rows += rowCount;
  }
  const columns = (names ?? []).map((_, c): NativeColumn => {
    const type = types[c] as string;
    if (type === "String" || type === "LowCardinality(String)") return strings[c] ?? [];
    return concat(blocks[c] ?? [], rows);
  });
  return { rows, names: names ?? [], types, columns };
}

function readStrings(reader: Reader, rows: number, out: string[]): void {
  for (let i = 0; i < rows; i++) out.push(reader.string());
}

// LowCardinality: a dictionary of distinct values, then one index per row (dictionary encoding done
// by ClickHouse, so a repeated user id is decoded once per block instead of once per row).
const LC_KEYS_VERSION = 1; // SharedDictionariesWithAdditionalKeys
const LC_NEED_GLOBAL_DICTIONARY = 1 << 8;
const LC_NEED_UPDATE_DICTIONARY = 1 << 10;

function readLowCardinality(reader: Reader, rows: number, out: string[]): void {
  const version = reader.uint64();
  if (version !== LC_KEYS_VERSION)
    throw new RangeError(`LowCardinality keys version ${version} is not decoded`);
  let dictionary: string[] = [];
  let done = 0;
  while (done < rows) {
    const flags = reader.uint64();
    if (flags & LC_NEED_GLOBAL_DICTIONARY)
      throw new RangeError("LowCardinality global dictionary is not decoded");
    if (flags & LC_NEED_UPDATE_DICTIONARY) {
      const size = reader.uint64();
      dictionary = [];
      readStrings(reader, size, dictionary);
    }
    const count = reader.uint64();
    const width = 2 ** (flags & 0xff);
    if (width > 4 || count > rows - done) throw new RangeError("LowCardinality indexes out of range");
    const view = reader.view(width * count);
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const indexes =
      width === 1
        ? bytes
        : width === 2
          ? new Uint16Array(bytes.slice().buffer)
          : new Uint32Array(bytes.slice().buffer);
    for (let i = 0; i < count; i++) {
      const value = dictionary[indexes[i] as number];
      if (value === undefined) throw new RangeError("LowCardinality index outside its dictionary");
      out.push(value);
    }
    done += count;
  }
}

function readNumbers(reader: Reader, type: string, rows: number): Float64Array | bigint[] {
  const width = FIXED[type] ?? (type.startsWith("DateTime(") ? 4 : undefined);
  if (width !== undefined) {
    const out = new Float64Array(rows);
    const view = reader.view(width * rows);
    if (width === 1) for (let i = 0; i < rows; i++) out[i] = view.getUint8(i);
    else if (width === 2) for (let i = 0; i < rows; i++) out[i] = view.getUint16(i * 2, true);
    else for (let i = 0; i < rows; i++) out[i] = view.getUint32(i * 4, true);
    return out;
  }
  if (type === "UInt64" || type === "UInt128")
    return readWide(reader.view((type === "UInt64" ? 8 : 16) * rows), type === "UInt64" ? 2 : 4, rows);
  throw new RangeError(`Native column type ${type} is not decoded`);
}

/** Little-endian unsigned integers of `words` 32-bit words: numbers while exact, else bigints. */
function readWide(view: DataView, words: 2 | 4, rows: number): Float64Array | bigint[] {
  // Copied to an aligned buffer: typed-array reads are several times cheaper than DataView calls.
  const word = new Uint32Array(words * rows);
  new Uint8Array(word.buffer).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  const out = new Float64Array(rows);
  for (let i = 0, at = 0; i < rows; i++, at += words) {
    const high = word[at + 1] as number;
    if (
      high >= MAX_SAFE_HIGH ||
      (words === 4 && ((word[at + 2] as number) | (word[at + 3] as number)) !== 0)
    ) {
      return readWideBig(view, words, rows);
    }
    out[i] = high * TWO_POW_32 + (word[at] as number);
  }
  return out;
}

function readWideBig(view: DataView, words: 2 | 4, rows: number): bigint[] {
  const out = new Array<bigint>(rows);
  for (let i = 0; i < rows; i++) {
    const at = i * words * 4;
    let value = view.getBigUint64(at, true);
    if (words === 4) value |= view.getBigUint64(at + 8, true) << 64n;
    out[i] = value;
  }
  return out;
}

function concat(parts: Array<Float64Array | bigint[]>, rows: number): NativeColumn {
  if (parts.length === 1) return parts[0] as NativeColumn;
  if (parts.every((p) => p instanceof Float64Array)) {
    const out = new Float64Array(rows);
    let at = 0;
    for (const part of parts as Float64Array[]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
  // One block needed bigints: the whole column becomes bigints.
  const out = new Array<bigint>(rows);
  let at = 0;
  for (const part of parts)
    for (const value of part) out[at++] = typeof value === "bigint" ? value : BigInt(value);
  return out;
}

class Reader {
  pos = 0;
  readonly #bytes: Buffer;
  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  varUInt(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.#bytes.length) throw new RangeError("Native body truncated");
      const byte = this.#bytes[this.pos++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
      if (shift > 49) throw new RangeError("Native varint too long");
    }
  }

  /** A UInt64 used as a count or flags (below 2^53). */
  uint64(): number {
    const view = this.view(8);
    const high = view.getUint32(4, true);
    if (high >= MAX_SAFE_HIGH) throw new RangeError("Native count too large");
    return high * TWO_POW_32 + view.getUint32(0, true);
  }

  string(): string {
    const length = this.varUInt();
    const start = this.pos;
    const end = start + length;
    if (end > this.#bytes.length) throw new RangeError("Native body truncated");
    this.pos = end;
    return this.#bytes.toString("utf8", start, end);
  }

  view(length: number): DataView {
    if (this.pos + length > this.#bytes.length) throw new RangeError("Native body truncated");
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.pos, length);
    this.pos += length;
    return view;
  }
}
