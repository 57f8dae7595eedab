let lastVersion = 0n;

/**
 * A strictly increasing row version (microseconds since the epoch) for ReplacingMergeTree tables,
 * so two changes in the same millisecond still order.
 */
export function nextVersion(): bigint {
  const now = BigInt(Date.now()) * 1000n;
  lastVersion = now > lastVersion ? now : lastVersion + 1n;
  return lastVersion;
}

/** A `DateTime64(3, 'UTC')` literal for JSONEachRow inserts. */
export function toClickHouseTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Parses a `DateTime64(3, 'UTC')` value as ClickHouse returns it in JSON. */
export function fromClickHouseTime(value: string): Date {
  return new Date(`${value.replace(" ", "T")}Z`);
}
