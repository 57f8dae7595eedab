// Vitest globalSetup (and a helper for the dashboard tests): builds the dashboard when
// dashboard/build is missing or older than its sources, so browser tests always run the current app.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DASHBOARD = join(ROOT, "dashboard");
const BUILT = join(DASHBOARD, "build", "server", "index.js");
const SOURCES = ["app", "server", "react-router.config.ts", "vite.config.ts", "package.json"];

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when the built server is missing or a source file changed after it was built. */
export function dashboardBuildIsStale(): boolean {
  const built = statSync(BUILT, { throwIfNoEntry: false });
  if (!built) return true;
  return SOURCES.some((source) => newestMtime(join(DASHBOARD, source)) > built.mtimeMs);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `react-router build` if the build is stale. Test files may call it in parallel: a lock
 * directory makes one of them build while the others wait.
 */
export function ensureDashboardBuild(): void {
  if (!dashboardBuildIsStale()) return;
  const lock = join(DASHBOARD, ".build-lock");
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error("Timed out waiting for another dashboard build");
      sleep(500);
    }
  }
  try {
    if (!dashboardBuildIsStale()) return;
    const result = spawnSync("npx", ["react-router", "build"], {
      cwd: DASHBOARD,
      encoding: "utf8",
      stdio: "pipe",
    });
    if (result.status !== 0) {
      throw new Error(
        `Building the dashboard failed (npm run build -w @genledger/dashboard):\n${result.stdout}\n${result.stderr}`,
      );
    }
    if (!existsSync(BUILT)) throw new Error(`The dashboard build did not produce ${BUILT}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Vitest globalSetup entry. */
export default function setup(): void {
  ensureDashboardBuild();
}
