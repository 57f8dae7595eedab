import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClickHouse } from "../store.ts";
import type { Store } from "../store-types.ts";

/** Test-only: a migrated embedded store in a fresh temp dir, and its clean-up. */
export async function openTestStore(): Promise<{ store: Store; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "genledger-analytics-"));
  const store = await createClickHouse({ dataDir: dir, url: "" });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
