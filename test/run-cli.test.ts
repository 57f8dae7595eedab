// The genledger command's surface without the services: help, usage errors, configuration errors
// (every bad variable named, exit 1, no stack trace) and the health check's answer when nothing runs.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/services.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function genledger(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["bin/genledger.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("genledger command", () => {
  it("prints its help", () => {
    const { code, stdout } = genledger(["--help"]);
    expect(code).toBe(0);
    for (const command of ["start", "collector", "dashboard", "migrate", "health", "config"]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    expect(stdout).toContain("docs/configuration.md");
  });

  it("refuses an unknown command or option in one line", () => {
    const unknown = genledger(["strat"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('genledger: unknown command "strat" (see genledger --help)\n');
    const option = genledger(["start", "--colector-port", "1"]);
    expect(option.code).toBe(2);
    expect(option.stderr.trim().split("\n")).toHaveLength(1);
    expect(option.stderr).toContain("--colector-port");
  });

  it("names every bad setting at once and exits 1 before opening anything", () => {
    const { code, stderr } = genledger(["start"], {
      GENLEDGER_COLLECTOR_PORT: "http",
      GENLEDGER_SPOOL_MAX_BYTES: "a lot",
      GENLEDGER_DASHBORD_PORT: "3000",
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^genledger: invalid configuration for genledger start/);
    expect(stderr).toContain("GENLEDGER_COLLECTOR_PORT: must be a port number");
    expect(stderr).toContain("GENLEDGER_SPOOL_MAX_BYTES: must be a size");
    expect(stderr).toContain(
      "GENLEDGER_DASHBORD_PORT: not a genledger setting (did you mean GENLEDGER_DASHBOARD_PORT?)",
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it("needs a ClickHouse server for the separate processes", () => {
    for (const command of ["collector", "dashboard", "migrate"]) {
      const { code, stderr } = genledger([command], { GENLEDGER_CLICKHOUSE_URL: "" });
      expect(code, command).toBe(1);
      expect(stderr, command).toContain("GENLEDGER_CLICKHOUSE_URL: required when");
    }
  });

  it("applies flags of start only to start", () => {
    const { code, stderr } = genledger(["collector", "--data-dir", "/tmp/x"]);
    expect(code).toBe(1);
    expect(stderr).toBe("genledger: --data-dir only applies to start; set GENLEDGER_DATA_DIR instead\n");
  });

  it("prints the effective configuration with secrets hidden", () => {
    const { code, stdout } = genledger(["config", "dashboard"], {
      GENLEDGER_CLICKHOUSE_URL: "http://u:hunter2hunter2@ch:8123/db",
      GENLEDGER_DASHBOARD_PORT: "3100",
    });
    expect(code).toBe(0);
    expect(stdout).toContain("GENLEDGER_DASHBOARD_PORT=3100\n");
    expect(stdout).toContain("GENLEDGER_CLICKHOUSE_URL=(set, hidden)\n");
    expect(stdout).not.toContain("hunter2");
  });

  it("reports an unhealthy process in one line", async () => {
    const port = String(await freePort());
    const { code, stderr } = genledger(["health", "collector"], { GENLEDGER_COLLECTOR_PORT: port });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`^genledger: collector at http://127\\.0\\.0\\.1:${port}/healthz did not answer`),
    );
  });
});
