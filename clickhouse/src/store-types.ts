import type { ClickHouseClient } from "@clickhouse/client";
import type { SqlTarget } from "./template.ts";

/** A connected ClickHouse store: what every query function of this package takes first. */
export interface Store {
  /** The `@clickhouse/client` client; over HTTP to a server, or in-process through chDB. */
  readonly client: ClickHouseClient;
  /** True when running on embedded chDB. */
  readonly embedded: boolean;
  /** Database the tables live in. */
  readonly database: string;
  /** Cluster name when the schema is clustered, else null. */
  readonly cluster: string | null;
  /** Embedded mode: the chDB data directory (`<dataDir>/clickhouse`); null for a server. */
  readonly dataDir: string | null;
  /** Closes the client (and releases the embedded data directory). Idempotent. */
  close(): Promise<void>;
}

interface StoreState {
  target: SqlTarget;
  /** Serializes check-then-insert sequences of this process (insert, abandon, reconcile). */
  tail: Promise<unknown>;
}

const states = new WeakMap<Store, StoreState>();

/** Registers the SQL target of a new store. Internal. */
export function registerStore(store: Store, target: SqlTarget): void {
  states.set(store, { target, tail: Promise.resolve() });
}

/** The SQL target of a store. Internal. */
export function storeTarget(store: Store): SqlTarget {
  return stateOf(store).target;
}

/**
 * Runs `work` after every earlier `withWriteLock` call on this store finished, so the
 * "is it already stored?" check and the insert that depends on it cannot interleave in-process.
 */
export async function withWriteLock<T>(store: Store, work: () => Promise<T>): Promise<T> {
  const state = stateOf(store);
  const run = state.tail.then(work, work);
  state.tail = run.catch(() => undefined);
  return await run;
}

function stateOf(store: Store): StoreState {
  const state = states.get(store);
  if (!state) throw new Error("not a store created by createClickHouse()");
  return state;
}
