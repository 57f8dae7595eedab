import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * In CI (`CI=true`) or with `GENLEDGER_REQUIRE_SERVICES=1`, a missing service fails the test
 * instead of skipping it: a skipped test there would hide a broken install step.
 */
export const servicesRequired = process.env.CI === "true" || process.env.GENLEDGER_REQUIRE_SERVICES === "1";

/** True when `binary` can be run. Throws in CI when it cannot, so the test fails instead of skipping. */
export function hasBinary(binary: string): boolean {
  const found = spawnSync("sh", ["-c", `command -v ${binary}`], { stdio: "ignore" }).status === 0;
  if (!found && servicesRequired) {
    throw new Error(`${binary} is required for this test but was not found (CI installs it in .ci/run)`);
  }
  return found;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory; remove it with the returned function. */
export function tempDir(prefix = "genledger-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A running redis-server for one test file. */
export interface RedisServer {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** Starts a real `redis-server` on a free loopback port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start within 10 s")), 10_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}

/**
 * Where browser tests save screenshots: `test/artifacts/screenshots` (ignored by git), or the
 * README's `docs/screenshots` with `GENLEDGER_UPDATE_SCREENSHOTS=1`.
 */
export const screenshotDir =
  process.env.GENLEDGER_UPDATE_SCREENSHOTS === "1"
    ? join(import.meta.dirname, "..", "..", "docs", "screenshots")
    : join(import.meta.dirname, "..", "artifacts", "screenshots");
