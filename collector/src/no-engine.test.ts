import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the collector package", () => {
  it("loads without mapping the embedded ClickHouse engine into the process", () => {
    // A collector in front of a ClickHouse server must not carry chDB's ~500 MB library: its
    // memory goal (flat, < 300 MB) is for the ingest side alone. Rows are prepared through
    // `@genledger/clickhouse/prepare`, which loads neither chDB nor the HTTP client.
    const script = `
      await import("@genledger/collector");
      const maps = (await import("node:fs")).readFileSync("/proc/self/maps", "utf8");
      process.stdout.write(maps.includes("libchdb") ? "loaded" : "absent");
    `;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("../..", import.meta.url).pathname,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("absent");
  });
});
