import type { z } from "zod";
import { execute, insertRows as insertJsonRows, type Params, queryRows } from "../sql.ts";
import type { Store } from "../store-types.ts";

/** The analytics queries take the package's `Store` (from `createClickHouse()`). */
export type AnalyticsStore = Store;

/** Runs a SELECT through the package's one SQL runner and validates each row with `schema`. */
export function selectRows<S extends z.ZodType>(
  store: Store,
  query: string,
  schema: S,
  params: Params = {},
): Promise<z.infer<S>[]> {
  return queryRows(store, query, schema, params);
}

/** Runs a statement that returns nothing (INSERT ... SELECT, ALTER). */
export function runCommand(store: Store, query: string, params: Params = {}): Promise<void> {
  return execute(store, query, params);
}

/** Inserts JSON rows into a table (block deduplication off: these are deliberate writes). */
export function insertRows(store: Store, table: string, values: Record<string, unknown>[]): Promise<void> {
  return insertJsonRows(store, table, values, { insert_deduplicate: 0 });
}

let lastVersion = 0n;
/**
 * A strictly increasing row version for ReplacingMergeTree tables: microseconds since the epoch,
 * bumped when two writes land in the same microsecond.
 */
export function nextVersion(now: Date = new Date()): bigint {
  const candidate = BigInt(now.getTime()) * 1000n;
  lastVersion = candidate > lastVersion ? candidate : lastVersion + 1n;
  return lastVersion;
}

/** A Date as ClickHouse `DateTime64(3, 'UTC')` text. */
export function chTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("invalid date");
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Parses ClickHouse `DateTime`/`DateTime64`/`Date` text (UTC) into a Date. */
export function parseChTime(text: string): Date {
  const iso = text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}Z`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unparsable ClickHouse time "${text}"`);
  return date;
}

/** Parses a UInt64/Int64 that ClickHouse sent as a JSON string (or a small number). */
export function big(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.trunc(value));
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  if (value === null || value === undefined || value === "") return 0n;
  throw new TypeError(`not an integer: ${String(value)}`);
}
