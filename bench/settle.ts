// Waiting for ClickHouse's background merges, so a measurement sees a steady state and is not
// charged for merges an earlier phase started.
import { queryRows, type Store } from "@genledger/clickhouse";
import { z } from "zod";

const Count = z.object({ n: z.coerce.number() });

/** Waits until no merge runs (at most `maxMs`, polling every `pollMs`); returns the ms waited. */
export async function settleMerges(store: Store, maxMs: number, pollMs = 2_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    const [merging] = await queryRows(store, "SELECT count() AS n FROM system.merges", Count);
    if ((merging?.n ?? 0) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return performance.now() - start;
}
