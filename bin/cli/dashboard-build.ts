import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "./errors.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Where `react-router build` puts the dashboard. */
export const DASHBOARD_BUILD_DIR = join(ROOT, "dashboard", "build");

/**
 * Builds the dashboard when its build is missing, so `npm start` works on a fresh clone after
 * `npm install`. Output goes to stderr; the build takes a few seconds, once.
 */
export async function ensureDashboardBuilt(log: (line: string) => void): Promise<void> {
  if (existsSync(join(DASHBOARD_BUILD_DIR, "server", "index.js"))) return;
  log("the dashboard is not built yet: building it once (npm run build -w @genledger/dashboard)");
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("npm", ["run", "build", "-w", "@genledger/dashboard"], {
      cwd: ROOT,
      stdio: ["ignore", process.stderr, process.stderr],
    });
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0 || !existsSync(join(DASHBOARD_BUILD_DIR, "server", "index.js"))) {
    throw new CliError(
      `building the dashboard failed (exit ${code}): run npm run build -w @genledger/dashboard to see why`,
    );
  }
}
