import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Generation, type GenerationInput } from "@genledger/core";
import type { ClickHouseConfig } from "./config.ts";
import { createClickHouse } from "./store.ts";
import type { Store } from "./store-types.ts";

/** Test-only: a fresh temp directory and an embedded store in it (`url: ""` ignores the environment). */
export async function openTempStore(config: ClickHouseConfig = {}): Promise<{
  store: Store;
  dir: string;
  reopen(extra?: ClickHouseConfig): Promise<Store>;
  cleanup(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "genledger-ch-"));
  let store = await createClickHouse({ url: "", dataDir: dir, ...config });
  return {
    get store() {
      return store;
    },
    dir,
    reopen: async (extra = {}) => {
      await store.close();
      store = await createClickHouse({ url: "", dataDir: dir, ...config, ...extra });
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** Test-only: a valid generation with defaults filled in; `overrides` win. */
export function makeGeneration(overrides: Partial<GenerationInput> = {}): Generation {
  counter += 1;
  return Generation.parse({
    id: `gen_${String(counter).padStart(6, "0")}`,
    projectId: "proj_test",
    status: "complete",
    startedAt: new Date("2026-11-02T10:00:00.000Z"),
    ...overrides,
  });
}
