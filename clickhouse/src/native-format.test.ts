import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "./errors.ts";
import { decodeNative, type NativeBlockColumn, numberAt, wideAt } from "./native-format.ts";
import { queryNative, queryNativeBlocks } from "./sql.ts";
import { openTempStore } from "./test-store.ts";

let ctx: Awaited<ReturnType<typeof openTempStore>>;

beforeAll(async () => {
  ctx = await openTempStore();
});
afterAll(async () => {
  await ctx.cleanup();
});

// Values a hand-written decoder gets wrong: empty, multi-byte, quotes, separators, long strings.
const TRICKY = [
  "",
  "ünïcødé ✓ 日本",
  'it\'s "quoted"',
  "tab\there",
  "new\nline",
  "back\\slash",
  "x".repeat(300),
];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describe("queryNative", () => {
  it("decodes strings, dictionary-encoded strings and integers as ClickHouse stored them", async () => {
    const c = await queryNative(
      ctx.store,
      `SELECT arrayJoin({values:Array(String)}) AS s, toLowCardinality(s) AS lc, length(s) AS n8,
         toUInt16(length(s)) AS n16, toUInt32(length(s) * 100000) AS n32, toDate('2026-11-02') AS d,
         toUInt64({big:UInt64}) + length(s) AS u64, toUInt128(length(s)) AS u128`,
      {
        s: /^String$/,
        lc: /^LowCardinality\(String\)$/,
        n8: /^UInt64$/,
        n16: /^UInt16$/,
        n32: /^UInt32$/,
        d: /^Date$/,
        u64: /^UInt64$/,
        u128: /^UInt128$/,
      },
      { values: TRICKY, big: String(MAX_SAFE - 400) },
    );
    expect(c.rows).toBe(TRICKY.length);
    expect(c.s).toEqual(TRICKY);
    expect(c.lc).toEqual(TRICKY);
    const bytes = TRICKY.map((s) => Buffer.byteLength(s));
    expect([...(c.n8 as Float64Array)]).toEqual(bytes);
    expect([...(c.n16 as Float64Array)]).toEqual(bytes);
    expect([...(c.n32 as Float64Array)]).toEqual(bytes.map((n) => n * 100_000));
    expect([...(c.d as Float64Array)]).toEqual(TRICKY.map(() => Date.UTC(2026, 10, 2) / 86_400_000));
    expect((c.u64 as ArrayLike<number | bigint>)[0]).toBe(MAX_SAFE - 400);
    expect([...(c.u128 as Float64Array)]).toEqual(bytes);
  });

  it("keeps 64- and 128-bit values exact: numbers up to 2^53 - 1, bigints beyond", async () => {
    const c = await queryNative(
      ctx.store,
      `SELECT arrayJoin([toUInt64(0), toUInt64({safe:UInt64}), toUInt64({max:UInt64})]) AS v,
         toUInt128(v) * 3 AS w`,
      { v: /^UInt64$/, w: /^UInt128$/ },
      { safe: String(MAX_SAFE), max: "18446744073709551615" },
    );
    expect(c.v).toEqual([0n, BigInt(MAX_SAFE), 18446744073709551615n]);
    expect(c.w).toEqual([0n, BigInt(MAX_SAFE) * 3n, 18446744073709551615n * 3n]);
    const small = await queryNative(
      ctx.store,
      "SELECT arrayJoin([toUInt64(0), toUInt64({safe:UInt64})]) AS v",
      { v: /^UInt64$/ },
      { safe: String(MAX_SAFE) },
    );
    expect(small.v).toBeInstanceOf(Float64Array);
    expect([...(small.v as Float64Array)]).toEqual([0, MAX_SAFE]);
  });

  it("joins several blocks, dictionaries included, and answers an empty result with empty columns", async () => {
    const c = await queryNative(
      ctx.store,
      `SELECT number AS n, toLowCardinality(concat('user_', toString(number % 7), {tail:String})) AS u,
         toString(number) AS s
       FROM numbers(1000) SETTINGS max_block_size = 97`,
      { n: /^UInt64$/, u: /^LowCardinality\(String\)$/, s: /^String$/ },
      { tail: "\t✓" },
    );
    expect(c.rows).toBe(1000);
    expect([...(c.n as Float64Array)]).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(c.u).toEqual(Array.from({ length: 1000 }, (_, i) => `user_${i % 7}\t✓`));
    expect(c.s).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));

    // More distinct values in one block than one LowCardinality dictionary holds (8192 by default).
    const wide = await queryNative(
      ctx.store,
      "SELECT toLowCardinality(toString(number)) AS u FROM numbers(20000) SETTINGS max_block_size = 65536",
      { u: /^LowCardinality\(String\)$/ },
    );
    expect(wide.u).toEqual(Array.from({ length: 20000 }, (_, i) => String(i)));

    const empty = await queryNative(ctx.store, "SELECT number AS n FROM numbers(10) WHERE n > 100", {
      n: /^UInt64$/,
    });
    expect(empty.rows).toBe(0);
    expect(Array.from(empty.n as ArrayLike<number>)).toEqual([]);
  });

  it("rejects a missing column or an unexpected type, naming it", async () => {
    await expect(queryNative(ctx.store, "SELECT 1 AS a", { b: /^UInt8$/ })).rejects.toThrow(
      /missing column b/,
    );
    await expect(queryNative(ctx.store, "SELECT 'x' AS a", { a: /^UInt8$/ })).rejects.toThrow(
      /column a has type String/,
    );
    await expect(queryNative(ctx.store, "SELECT 1.5 AS a", { a: /^Float64$/ })).rejects.toBeInstanceOf(
      QueryError,
    );
  });
});

describe("queryNativeBlocks", () => {
  it("gives each block's columns in wire form that read back the stored values", async () => {
    const result = await queryNativeBlocks(
      ctx.store,
      `SELECT toUInt32(number) AS n, number * {step:UInt64} AS u64, bitShiftLeft(toUInt128(number), 100) AS u128,
         toLowCardinality(concat('user_', toString(number % 7), {tail:String})) AS lc, toString(number) AS s
       FROM numbers(1000) SETTINGS max_block_size = 97`,
      {
        n: /^UInt32$/,
        u64: /^UInt64$/,
        u128: /^UInt128$/,
        lc: /^LowCardinality\(String\)$/,
        s: /^String$/,
      },
      { step: String(2 ** 50), tail: "\t✓" },
    );
    expect(result.rows).toBe(1000);
    expect(result.blocks.length).toBeGreaterThan(1);
    const seen = { n: [] as number[], u64: [] as Array<number | bigint>, u128: [] as Array<number | bigint> };
    const lc: string[] = [];
    const s: string[] = [];
    for (const block of result.blocks) {
      const { n, u64, u128 } = block.columns as Record<string, NativeBlockColumn>;
      if (n?.kind !== "numbers" || u64?.kind !== "wide" || u128?.kind !== "wide") throw new Error("kinds");
      expect([u64.width, u128.width]).toEqual([2, 4]);
      for (let i = 0; i < block.rows; i++) {
        seen.n.push(numberAt(n, i));
        seen.u64.push(wideAt(u64, i));
        seen.u128.push(wideAt(u128, i));
      }
      const dictionary = block.columns.lc;
      if (dictionary.kind !== "dictionary") throw new Error("kinds");
      // Equal values of a block are one string: one dictionary entry each.
      expect(new Set(dictionary.dictionary).size).toBe(dictionary.dictionary.length);
      for (const index of dictionary.indexes) lc.push(dictionary.dictionary[index] as string);
      const strings = block.columns.s;
      if (strings.kind !== "strings") throw new Error("kinds");
      s.push(...strings.values);
    }
    const numbers = Array.from({ length: 1000 }, (_, i) => i);
    expect(seen.n).toEqual(numbers);
    // Exact either way: numbers up to 2^53 - 1, bigints beyond.
    expect(seen.u64).toEqual(
      numbers.map((i) => (i * 2 ** 50 <= Number.MAX_SAFE_INTEGER ? i * 2 ** 50 : BigInt(i) * 2n ** 50n)),
    );
    expect(seen.u128).toEqual(numbers.map((i) => (i === 0 ? 0 : BigInt(i) << 100n)));
    expect(lc).toEqual(numbers.map((i) => `user_${i % 7}\t✓`));
    expect(s).toEqual(numbers.map(String));
  });

  it("answers an empty result with no blocks", async () => {
    const empty = await queryNativeBlocks(ctx.store, "SELECT number AS n FROM numbers(10) WHERE n > 100", {
      n: /^UInt64$/,
    });
    expect(empty).toEqual({ rows: 0, blocks: [] });
    await expect(queryNativeBlocks(ctx.store, "SELECT 'x' AS a", { a: /^UInt8$/ })).rejects.toThrow(
      /column a has type String/,
    );
  });
});

describe("decodeNative", () => {
  it("rejects a truncated body", () => {
    // 1 column, 1 row, name "a", type "UInt32", then 2 of its 4 bytes.
    const body = Buffer.from([1, 1, 1, 0x61, 6, ...Buffer.from("UInt32"), 1, 2]);
    expect(() => decodeNative(body)).toThrow(/truncated/);
  });
});
