import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Whether another process holds the embedded ClickHouse of `dataDir`: ClickHouse keeps an
 * exclusive flock on `clickhouse/status` while it runs, and flock(1) asks for it without waiting.
 * Asking first keeps the refusal to one line: opening a held directory makes the engine print its
 * own exception before genledger can explain. Undefined where flock(1) is missing (then the open
 * itself decides, with that extra line).
 */
export function embeddedDataDirHeld(dataDir: string): boolean | undefined {
  const status = join(dataDir, "clickhouse", "status");
  if (!existsSync(status)) return false;
  const probe = spawnSync("flock", ["--nonblock", "--conflict-exit-code", "75", status, "true"], {
    stdio: "ignore",
  });
  if (probe.error) return undefined;
  return probe.status === 75;
}
