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
