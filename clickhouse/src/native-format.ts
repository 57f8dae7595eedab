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

/**
 * One column of one block, left close to its wire form for callers that walk rows themselves
 * (no per-row array of numbers or strings is built):
 * - `numbers`: 8- to 32-bit unsigned integers, `Date` (days), `DateTime` (seconds): a view on the
 *   body's little-endian values of `bytes` bytes each (see {@link numberAt});
 * - `wide`: `UInt64` (`width` 2) or `UInt128` (`width` 4): a view on the body's little-endian
 *   values, value `i` at byte `i * width * 4` (see {@link wideAt}; not copied: reading a DataView
 *   costs less than allocating and copying to an aligned array);
 * - `strings`: `String`;
 * - `dictionary`: `LowCardinality(String)`, value `i` is `dictionary[indexes[i]]` (one string object
 *   per distinct value of the block, so equal values are the same string).
 */
export type NativeBlockColumn =
  | { kind: "numbers"; bytes: 1 | 2 | 4; view: DataView }
  | { kind: "wide"; width: 2 | 4; view: DataView }
  | { kind: "strings"; values: string[] }
  | { kind: "dictionary"; dictionary: string[]; indexes: Uint32Array };

/** One block of a `Native` body: a slice of the rows, every column. */
export interface NativeBlock {
  rows: number;
  columns: NativeBlockColumn[];
}

/** A decoded result as blocks (see {@link decodeNativeBlocks}). */
export interface NativeBlocks {
  rows: number;
  names: string[];
  types: string[];
  blocks: NativeBlock[];
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
  const { rows, names, types, blocks } = decodeNativeBlocks(body);
  const columns = types.map((type, c) =>
    type === "String" || type === "LowCardinality(String)"
      ? joinStrings(blocks, c, rows)
      : joinNumbers(blocks, c, rows),
  );
  return { rows, names, types, columns };
}

/**
 * Decodes a `FORMAT Native` body into its blocks, each column in wire form ({@link NativeBlockColumn}).
 * Blocks without rows are left out.
 * @throws {RangeError} on a truncated body, a type it does not decode, or blocks that disagree.
 */
export function decodeNativeBlocks(body: Uint8Array): NativeBlocks {
  const reader = new Reader(body);
  let names: string[] | null = null;
  let types: string[] = [];
  const blocks: NativeBlock[] = [];
  let rows = 0;
  while (reader.pos < body.length) {
    const columnCount = reader.varUInt();
    const rowCount = reader.varUInt();
    const blockNames: string[] = [];
    const blockTypes: string[] = [];
    const columns: NativeBlockColumn[] = [];
    for (let c = 0; c < columnCount; c++) {
      blockNames.push(reader.string());
      const type = reader.string();
      blockTypes.push(type);
      // A block without rows carries no column data.
      if (rowCount > 0) columns.push(readColumn(reader, type, rowCount));
    }
    if (names === null) {
      names = blockNames;
      types = blockTypes;
    } else if (blockNames.join("\0") !== names.join("\0") || blockTypes.join("\0") !== types.join("\0")) {
      throw new RangeError("Native blocks with different columns");
    }
    if (rowCount > 0) blocks.push({ rows: rowCount, columns });
    rows += rowCount;
  }
  return { rows, names: names ?? [], types, blocks };
}

/** Value `i` of a `numbers` column. */
export function numberAt(column: { bytes: 1 | 2 | 4; view: DataView }, i: number): number {
  const { bytes, view } = column;
  return bytes === 4
    ? view.getUint32(i * 4, true)
    : bytes === 2
      ? view.getUint16(i * 2, true)
      : view.getUint8(i);
}

/** Value `i` of a `wide` column: a number while at most 2^53 - 1 (exact), else a bigint. */
export function wideAt(column: { width: 2 | 4; view: DataView }, i: number): number | bigint {
  const { width, view } = column;
  const at = i * width * 4;
  const high = view.getUint32(at + 4, true);
  if (
    high < MAX_SAFE_HIGH &&
    (width === 2 || (view.getUint32(at + 8, true) | view.getUint32(at + 12, true)) === 0)
  )
    return high * TWO_POW_32 + view.getUint32(at, true);
  const low = view.getBigUint64(at, true);
  return width === 2 ? low : low | (view.getBigUint64(at + 8, true) << 64n);
}

function readColumn(reader: Reader, type: string, rows: number): NativeBlockColumn {
  if (type === "String") {
    const values: string[] = [];
    readStrings(reader, rows, values);
    return { kind: "strings", values };
  }
  if (type === "LowCardinality(String)") return readLowCardinality(reader, rows);
  if (type === "UInt64" || type === "UInt128") {
    const width = type === "UInt64" ? 2 : 4;
    return { kind: "wide", width, view: reader.view(width * 4 * rows) };
  }
  const bytes = FIXED[type] ?? (type.startsWith("DateTime(") ? 4 : undefined);
  if (bytes === undefined) throw new RangeError(`Native column type ${type} is not decoded`);
  return { kind: "numbers", bytes, view: reader.view(bytes * rows) };
}

/** String column `c` of every block, as one array. */
function joinStrings(blocks: NativeBlock[], c: number, rows: number): string[] {
  const out: string[] = new Array(rows);
  let at = 0;
  for (const block of blocks) {
    const part = block.columns[c] as NativeBlockColumn;
    if (part.kind === "strings") for (const value of part.values) out[at++] = value;
    else if (part.kind === "dictionary")
      for (const index of part.indexes) out[at++] = part.dictionary[index] as string;
  }
  return out;
}

/** Numeric column `c` of every block, as one array: bigints only if a value needs one. */
function joinNumbers(blocks: NativeBlock[], c: number, rows: number): Float64Array | bigint[] {
  const parts = blocks.map((b) => b.columns[c] as NativeBlockColumn);
  const out = new Float64Array(rows);
  let at = 0;
  for (const part of parts) {
    if (part.kind === "numbers") {
      const length = part.view.byteLength / part.bytes;
      for (let i = 0; i < length; i++) out[at++] = numberAt(part, i);
    } else if (part.kind === "wide") {
      const length = part.view.byteLength / (part.width * 4);
      for (let i = 0; i < length; i++) {
        const value = wideAt(part, i);
        // One value beyond 2^53 - 1: the whole column becomes bigints.
        if (typeof value === "bigint") return joinWideBig(parts, rows);
        out[at++] = value;
      }
    }
  }
  return out;
}

function joinWideBig(parts: NativeBlockColumn[], rows: number): bigint[] {
  const out = new Array<bigint>(rows);
  let at = 0;
  for (const part of parts) {
    if (part.kind !== "wide") continue;
    const length = part.view.byteLength / (part.width * 4);
    for (let i = 0; i < length; i++) out[at++] = BigInt(wideAt(part, i));
  }
  return out;
}

function readStrings(reader: Reader, rows: number, out: string[]): void {
  for (let i = 0; i < rows; i++) out.push(reader.string());
}

// LowCardinality: a dictionary of distinct values, then one index per row (dictionary encoding done
// by ClickHouse, so a repeated user id is decoded once per block instead of once per row).
const LC_KEYS_VERSION = 1; // SharedDictionariesWithAdditionalKeys
const LC_NEED_GLOBAL_DICTIONARY = 1 << 8;
const LC_NEED_UPDATE_DICTIONARY = 1 << 10;

function readLowCardinality(reader: Reader, rows: number): NativeBlockColumn {
  const version = reader.uint64();
  if (version !== LC_KEYS_VERSION)
    throw new RangeError(`LowCardinality keys version ${version} is not decoded`);
  // A block may carry several dictionaries (one per granule of keys): they are appended to one
  // dictionary, and each granule's indexes shifted to its part of it.
  const dictionary: string[] = [];
  const indexes = new Uint32Array(rows);
  let current = 0;
  let currentSize = 0;
  let done = 0;
  while (done < rows) {
    const flags = reader.uint64();
    if (flags & LC_NEED_GLOBAL_DICTIONARY)
      throw new RangeError("LowCardinality global dictionary is not decoded");
    if (flags & LC_NEED_UPDATE_DICTIONARY) {
      current = dictionary.length;
      currentSize = reader.uint64();
      readStrings(reader, currentSize, dictionary);
    }
    const count = reader.uint64();
    const width = 2 ** (flags & 0xff);
    if (width > 4 || count > rows - done) throw new RangeError("LowCardinality indexes out of range");
    const bytes = reader.bytes(width * count);
    const keys =
      width === 1
        ? bytes
        : width === 2
          ? new Uint16Array(bytes.slice().buffer)
          : new Uint32Array(bytes.slice().buffer);
    let max = 0;
    for (let i = 0; i < count; i++) {
      const key = keys[i] as number;
      if (key > max) max = key;
      indexes[done + i] = current + key;
    }
    if (count > 0 && max >= currentSize) throw new RangeError("LowCardinality index outside its dictionary");
    done += count;
  }
  return { kind: "dictionary", dictionary, indexes };
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
    const bytes = this.bytes(length);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  /** The next `length` bytes (a view on the body, not a copy). */
  bytes(length: number): Uint8Array {
    if (this.pos + length > this.#bytes.length) throw new RangeError("Native body truncated");
    // A plain Uint8Array, not a Buffer: its slice() copies (Buffer's does not).
    const bytes = new Uint8Array(this.#bytes.buffer, this.#bytes.byteOffset + this.pos, length);
    this.pos += length;
    return bytes;
  }
}
