// Turns spendRollup's Native result into SpendRow objects. This is most of spendRollup's JS time on
// large results (195k rows from 289k rollup rows for 10,000 users x models x 30 days), so the loop
// reads the wire columns directly and each row is one allocation-friendly object (docs/decisions/001).
import { wideAt } from "./native-format.ts";
import type { RollupDimension, SpendRow } from "./rollups.ts";
import type { NativeBlockColumn, NativeBlocksResult } from "./sql.ts";

// Result column types. Counters are UInt64 (sums of UInt64), or UInt32 saturated at 2^32 - 1 (see
// SATURATED); money is UInt64 or UInt128 (exact sums).
const COUNT = /^UInt(32|64)$/;
const MONEY = /^UInt(64|128)$/;
const COUNTERS = [
  "requests",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "unpriced_requests",
  "cache_hits",
] as const;
const TYPES = {
  bucket: /^UInt32$/,
  requests: COUNT,
  input_tokens: COUNT,
  output_tokens: COUNT,
  cache_read_tokens: COUNT,
  cache_write_tokens: COUNT,
  reasoning_tokens: COUNT,
  cost_nanos: MONEY,
  unpriced_requests: COUNT,
  cache_hits: COUNT,
  saved_nanos: MONEY,
};
// Dimensions come dictionary-encoded (LowCardinality): a user id is decoded once, not once per row.
const DIMENSION_TYPE = /^LowCardinality\(String\)$/;

/** Result columns of a spend query: `bucket` (UInt32 seconds), the measures, `dim_<dimension>`. */
export type SpendColumnTypes = typeof TYPES & Partial<Record<`dim_${RollupDimension}`, RegExp>>;

/** The ClickHouse types a spend query grouped by `groupBy` must return, per column. */
export function spendColumnTypes(groupBy: readonly RollupDimension[]): SpendColumnTypes {
  return { ...TYPES, ...Object.fromEntries(groupBy.map((d) => [`dim_${d}`, DIMENSION_TYPE])) };
}

const TWO_POW_32 = 4_294_967_296;

/**
 * A counter sent as `toUInt32(least(x, SATURATED))`: this value may stand for a larger one, so the
 * rows cannot be built from it ({@link CounterOverflowError}; query again with UInt64 counters).
 */
export const SATURATED = 4_294_967_295;

/** A saturated UInt32 counter was read: the result must be read again with UInt64 counters. */
export class CounterOverflowError extends Error {
  constructor() {
    super(`a counter reached ${SATURATED}: read the counters as UInt64`);
    this.name = "CounterOverflowError";
  }
}
const MAX_SAFE_HIGH = 2 ** 21; // high 32-bit word of a value above 2^53 - 1 is at least 2^21

type Column<K extends NativeBlockColumn["kind"]> = Extract<NativeBlockColumn, { kind: K }>;
type Block = NativeBlocksResult<SpendColumnTypes>["blocks"][number];

/**
 * Rows from the result blocks, read straight from the wire columns (no per-row arrays); neighbours
 * with the same bucket and dimension values (a read in key order) are added up into one row.
 * Counters are numbers; money is added as numbers while exact, then as bigints.
 */
export function buildSpendRows(
  result: NativeBlocksResult<SpendColumnTypes>,
  groupBy: readonly RollupDimension[],
): SpendRow[] {
  const out: SpendRow[] = [];
  const sums = new Sums(groupBy);
  // One call per block: the row loop lives in a function V8 optimizes once and reuses per block.
  for (const block of result.blocks) sumBlock(block, groupBy, sums, out);
  if (sums.open) out.push(sums.row());
  return out;
}

function sumBlock(block: Block, groupBy: readonly RollupDimension[], sums: Sums, out: SpendRow[]): void {
  const c = block.columns;
  // UInt32 seconds (checked by type).
  const buckets = (c.bucket as Column<"numbers">).view;
  const dims = groupBy.map((d) => c[`dim_${d}`] as Column<"dictionary">);
  // Counters are all UInt32 (4 bytes each) or all UInt64 (two 32-bit words each).
  const narrow = c.requests.kind === "numbers";
  // One named view per counter: a loop over an array of DataViews cost ~5x more (V8 does not
  // specialize the reads), so the additions below are written out.
  const [v0, v1, v2, v3, v4, v5, v6, v7] = COUNTERS.map((name) => {
    const column = c[name];
    if (column.kind === (narrow ? "numbers" : "wide") && "view" in column) return column.view;
    throw new RangeError("counters of different widths");
  }) as [DataView, DataView, DataView, DataView, DataView, DataView, DataView, DataView];
  const cost = c.cost_nanos as Column<"wide">;
  const saved = c.saved_nanos as Column<"wide">;
  const counts = sums.counts;
  // A group of one row (the next row of the block starts another, the usual case once the rollup
  // is merged) becomes its row straight from the wire values, without the running sums.
  const single = narrow && cost.width === 2 && saved.width === 2;
  const literal = sums.literal;
  const key = new Array<string>(dims.length);
  for (let i = 0; i < block.rows; i++) {
    const seconds = buckets.getUint32(i * 4, true);
    let same = sums.open && seconds === sums.seconds;
    for (let d = 0; same && d < dims.length; d++) {
      const column = dims[d] as Column<"dictionary">;
      // A block's dictionary holds one string object per value: equal values compare by pointer.
      same = column.dictionary[column.indexes[i] as number] === sums.dims[d];
    }
    if (!same) {
      if (sums.open) out.push(sums.row());
      if (single && i + 1 < block.rows) {
        let alone = buckets.getUint32(i * 4 + 4, true) !== seconds;
        for (let d = 0; d < dims.length; d++) {
          const column = dims[d] as Column<"dictionary">;
          const value = column.dictionary[column.indexes[i] as number] as string;
          key[d] = value;
          alone ||= column.dictionary[column.indexes[i + 1] as number] !== value;
        }
        if (alone) {
          out.push(
            literal(
              sums.date(seconds),
              key,
              narrowAt(v0, i),
              narrowAt(v1, i),
              narrowAt(v2, i),
              narrowAt(v3, i),
              narrowAt(v4, i),
              narrowAt(v5, i),
              moneyAt(cost, i),
              narrowAt(v6, i),
              narrowAt(v7, i),
              moneyAt(saved, i),
            ),
          );
          sums.open = false;
          continue;
        }
      }
      sums.start(seconds);
      for (let d = 0; d < dims.length; d++) {
        const column = dims[d] as Column<"dictionary">;
        sums.dims[d] = column.dictionary[column.indexes[i] as number] as string;
      }
    }
    counts[0] = (counts[0] as number) + counter(v0, narrow, i);
    counts[1] = (counts[1] as number) + counter(v1, narrow, i);
    counts[2] = (counts[2] as number) + counter(v2, narrow, i);
    counts[3] = (counts[3] as number) + counter(v3, narrow, i);
    counts[4] = (counts[4] as number) + counter(v4, narrow, i);
    counts[5] = (counts[5] as number) + counter(v5, narrow, i);
    counts[6] = (counts[6] as number) + counter(v6, narrow, i);
    counts[7] = (counts[7] as number) + counter(v7, narrow, i);
    sums.addMoney(COST, cost, i);
    sums.addMoney(SAVED, saved, i);
  }
}

/** Value `i` of a UInt32 counter (a {@link SATURATED} one throws). */
function narrowAt(view: DataView, i: number): number {
  const value = view.getUint32(i * 4, true);
  if (value === SATURATED) throw new CounterOverflowError();
  return value;
}

/** Value `i` of a UInt64 money column, exact (the shared 0n when zero). */
function moneyAt(column: Column<"wide">, i: number): bigint {
  const view = column.view;
  if ((view.getUint32(i * 8, true) | view.getUint32(i * 8 + 4, true)) === 0) return 0n;
  return view.getBigUint64(i * 8, true);
}

/** Value `i` of a counter: UInt32 (`narrow`; a {@link SATURATED} one throws) or UInt64. */
function counter(view: DataView, narrow: boolean, i: number): number {
  if (!narrow) return view.getUint32(i * 8 + 4, true) * TWO_POW_32 + view.getUint32(i * 8, true);
  return narrowAt(view, i);
}

/** Makes one row from its values; dimension values in `groupBy` order. */
type RowLiteral = (
  bucket: Date,
  dims: string[],
  requests: number,
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens: number,
  cacheWriteTokens: number,
  reasoningTokens: number,
  costNanos: bigint,
  unpricedRequests: number,
  cacheHits: number,
  savedNanos: bigint,
) => SpendRow;

const literals = new Map<string, RowLiteral>();

/**
 * A function returning an object literal with exactly the grouped dimensions, made once per
 * grouping. Adding the dimension properties to a common literal instead cost a second allocation
 * per row (an out-of-object property store) and kept V8 from allocating the rows in old space
 * directly: ~2x the GC time on 195k rows. The source only holds names from ROLLUP_DIMENSIONS.
 */
function rowLiteral(groupBy: readonly RollupDimension[]): RowLiteral {
  const key = groupBy.join(",");
  let literal = literals.get(key);
  if (!literal) {
    const dims = groupBy.map((d, i) => `${JSON.stringify(d)}: dims[${i}], `).join("");
    const measures = [
      "requests",
      "inputTokens",
      "outputTokens",
      "cacheReadTokens",
      "cacheWriteTokens",
      "reasoningTokens",
      "costNanos",
      "unpricedRequests",
      "cacheHits",
      "savedNanos",
    ];
    literal = new Function(
      "bucket",
      "dims",
      ...measures,
      `"use strict"; return { bucket, ${dims}${measures.join(", ")} };`,
    ) as RowLiteral;
    literals.set(key, literal);
  }
  return literal;
}

const COST = 0;
const SAVED = 1;

/** The group being added up: its key (bucket and dimension values) and running sums. */
class Sums {
  open = false;
  seconds = 0;
  bucket: Date = new Date(0);
  readonly dims: string[];
  readonly counts = new Float64Array(COUNTERS.length);
  // Money (cost, saved) as exact numbers in a typed array (a number variable or field would box
  // each new sum), plus bigints for what went past 2^53 - 1 (rare).
  readonly money = new Float64Array(2);
  readonly #beyond: [bigint, bigint] = [0n, 0n];
  readonly literal: RowLiteral;
  // One Date per distinct bucket, shared by its rows.
  readonly #dates = new Map<number, Date>();
  #lastSeconds = -1;
  #lastDate: Date = new Date(0);

  constructor(groupBy: readonly RollupDimension[]) {
    this.dims = new Array<string>(groupBy.length).fill("");
    this.literal = rowLiteral(groupBy);
  }

  /** The shared Date of a bucket. */
  date(seconds: number): Date {
    if (seconds !== this.#lastSeconds) {
      let date = this.#dates.get(seconds);
      if (!date) {
        date = new Date(seconds * 1000);
        this.#dates.set(seconds, date);
      }
      this.#lastSeconds = seconds;
      this.#lastDate = date;
    }
    return this.#lastDate;
  }

  start(seconds: number): void {
    this.bucket = this.date(seconds);
    this.open = true;
    this.seconds = seconds;
    for (let k = 0; k < this.counts.length; k++) this.counts[k] = 0;
    this.money[COST] = 0;
    this.money[SAVED] = 0;
    this.#beyond[COST] = 0n;
    this.#beyond[SAVED] = 0n;
  }

  /** Adds value `i` of a money column to sum `m`, exactly. */
  addMoney(m: typeof COST | typeof SAVED, column: Column<"wide">, i: number): void {
    const view = column.view;
    const at = i * column.width * 4;
    const high = view.getUint32(at + 4, true);
    if (
      high < MAX_SAFE_HIGH &&
      (column.width === 2 || (view.getUint32(at + 8, true) | view.getUint32(at + 12, true)) === 0)
    ) {
      const total = (this.money[m] as number) + high * TWO_POW_32 + view.getUint32(at, true);
      if (total <= Number.MAX_SAFE_INTEGER) {
        this.money[m] = total;
        return;
      }
    }
    this.#beyond[m] += toBigInt(this.money[m] as number) + BigInt(wideAt(column, i));
    this.money[m] = 0;
  }

  row(): SpendRow {
    const counts = this.counts;
    return this.literal(
      this.bucket,
      this.dims,
      small(counts[0] as number),
      small(counts[1] as number),
      small(counts[2] as number),
      small(counts[3] as number),
      small(counts[4] as number),
      small(counts[5] as number),
      this.#total(COST),
      small(counts[6] as number),
      small(counts[7] as number),
      this.#total(SAVED),
    );
  }

  #total(m: typeof COST | typeof SAVED): bigint {
    const sum = this.money[m] as number;
    const beyond = this.#beyond[m];
    // Most rows saved nothing: the shared 0n, not a new bigint each.
    if (sum === 0 && beyond === 0n) return 0n;
    return beyond === 0n ? toBigInt(sum) : beyond + toBigInt(sum);
  }
}

// A bigint from an exact number through a 64-bit typed array: several times cheaper than
// BigInt(number), which V8 runs out of line (~14 ms vs ~4 ms for 195k rows).
const scratch = new ArrayBuffer(8);
const scratchWords = new Uint32Array(scratch);
const scratchBig = new BigUint64Array(scratch);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `value` (an integer in [0, 2^53)) as a bigint. */
function toBigInt(value: number): bigint {
  if (!LITTLE_ENDIAN) return BigInt(value);
  const low = value >>> 0;
  scratchWords[0] = low;
  scratchWords[1] = (value - low) / TWO_POW_32;
  return scratchBig[0] as bigint;
}

/**
 * The same number, as a small integer when it is one: V8 then stores it in the row itself instead
 * of boxing it (a float read from a Float64Array is boxed: 16 more bytes and one more allocation).
 */
function small(value: number): number {
  return value <= 0x7fffffff ? value | 0 : value;
}
