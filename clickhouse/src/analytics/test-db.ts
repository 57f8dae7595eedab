import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";
import type { AnalyticsStore } from "./sql.ts";

/**
 * Test-only: a chDB store in a fresh temp dir with the analytics migrations (0020-0029) applied.
 * Lets the analytics tables be tested without the rest of the schema.
 */
export async function analyticsTestStore(): Promise<AnalyticsStore & { close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "genledger-analytics-"));
  const client = createClient({
    // chdb types its connection against its own copy of @clickhouse/client-common.
    connection: createChdbConnection({ path: dir }) as unknown as Parameters<
      typeof createClient
    >[0] extends infer C
      ? C extends { connection?: infer X }
        ? X
        : never
      : never,
  });
  const migrations = join(import.meta.dirname, "../../migrations");
  for (const file of readdirSync(migrations)
    .filter((f) => /^002\d_.*\.up\.sql$/.test(f))
    .sort()) {
    await client.command({ query: readFileSync(join(migrations, file), "utf8") });
  }
  return {
    client,
    close: async () => {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
