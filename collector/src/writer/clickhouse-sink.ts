import type { Store } from "@genledger/clickhouse";
import { insertPreparedGenerations, insertPreparedSpans, markAbandoned } from "@genledger/clickhouse";
import type { WriterSink } from "./types.ts";

/**
 * The writer's sink for a ClickHouse store: `insertPreparedGenerations` (which skips final records
 * that are already stored) and `insertPreparedSpans`, both with the writer's dedup token.
 */
export function clickHouseSink(store: Store): WriterSink {
  return {
    insertGenerations: (generations, options) => insertPreparedGenerations(store, generations, options),
    insertSpans: (spans, options) => insertPreparedSpans(store, spans, options),
  };
}

/** The sweeper's `markAbandoned` for a ClickHouse store. */
export function clickHouseMarkAbandoned(store: Store): (options: { olderThan: Date }) => Promise<number> {
  return (options) => markAbandoned(store, options);
}
