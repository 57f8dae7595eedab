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

/** chDB's zero-copy insert (`connection.chdb.rawInsert`): about half the CPU of the HTTP-shaped path. */
export type RawInsert = (params: {
  table: string;
  values: Buffer;
  format: "JSONEachRow";
  settings?: Record<string, string | number>;
}) => Promise<unknown>;

interface StoreState {
  target: SqlTarget;
  rawInsert: RawInsert | null;
  /** Serializes check-then-insert sequences of this process (insert, abandon, reconcile). */
  tail: Promise<unknown>;
}

const states = new WeakMap<Store, StoreState>();

/** Registers the SQL target of a new store. Internal. */
export function registerStore(store: Store, target: SqlTarget, rawInsert: RawInsert | null = null): void {
  states.set(store, { target, rawInsert, tail: Promise.resolve() });
}

/** The embedded store's raw insert, or null for a server. Internal. */
export function storeRawInsert(store: Store): RawInsert | null {
  return stateOf(store).rawInsert;
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
