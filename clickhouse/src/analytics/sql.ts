import type { ClickHouseClient } from "@clickhouse/client";

/** What the analytics queries need from the clickhouse package's `Store`: its client. */
export interface AnalyticsStore {
  client: ClickHouseClient;
}

/** Runs a SELECT with `{name:Type}` parameters and returns its rows. */
export async function selectRows<T>(
  store: AnalyticsStore,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await store.client.query({ query, query_params: params, format: "JSONEachRow" });
  return await result.json<T>();
}

/** Runs a statement that returns nothing (INSERT ... SELECT, ALTER, OPTIMIZE). */
export async function runCommand(
  store: AnalyticsStore,
  query: string,
  params: Record<string, unknown> = {},
): Promise<void> {
  await store.client.command({ query, query_params: params });
}

/** Inserts JSON rows into a table. */
export async function insertRows(
  store: AnalyticsStore,
  table: string,
  values: Record<string, unknown>[],
): Promise<void> {
  if (values.length === 0) return;
  await store.client.insert({ table, values, format: "JSONEachRow" });
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

/** Parses ClickHouse `DateTime`/`DateTime64` text (UTC) into a Date. */
export function parseChTime(text: string): Date {
  const iso = text.includes("T") ? text : `${text.replace(" ", "T")}Z`;
  const date = new Date(iso.endsWith("Z") ? iso : `${iso}Z`);
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
