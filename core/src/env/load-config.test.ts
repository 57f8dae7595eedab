import { describe, expect, expectTypeOf, it } from "vitest";
import { ConfigError, loadConfig, variablesFor } from "./load-config.ts";
import { ENV } from "./registry.ts";

const SERVER = { GENLEDGER_CLICKHOUSE_URL: "http://default:pw@clickhouse:8123/genledger" };

function issuesOf(run: () => unknown): Array<{ name: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig for services", () => {
  it("applies documented defaults on an empty environment", () => {
    const config = loadConfig("start", {});
    expect(config.collectorPort).toBe(4318);
    expect(config.dashboardPort).toBe(3000);
    expect(config.kvUrl).toBe("memory://");
    expect(config.spoolMaxBytes).toBe(1024 ** 3);
    expect(config.pendingTimeout).toBe(15 * 60_000);
    expect(config.clickhouseUrl).toBeUndefined();
  });

  it("derives paths from GENLEDGER_DATA_DIR", () => {
    const config = loadConfig("start", { GENLEDGER_DATA_DIR: "/srv/gl" });
    expect(config.spoolDir).toBe("/srv/gl/spool");
    expect(config.blobUrl).toBe("file:///srv/gl/blobs");
  });

  it("names every bad field at once", () => {
    const issues = issuesOf(() =>
      loadConfig("collector", {
        ...SERVER,
        GENLEDGER_COLLECTOR_PORT: "70000",
        GENLEDGER_SPOOL_MAX_BYTES: "lots",
        GENLEDGER_PENDING_TIMEOUT: "15",
        GENLEDGER_KV_URL: "memcached://x",
      }),
    );
    expect(issues.map((i) => i.name).sort()).toEqual([
      "GENLEDGER_COLLECTOR_PORT",
      "GENLEDGER_KV_URL",
      "GENLEDGER_PENDING_TIMEOUT",
      "GENLEDGER_SPOOL_MAX_BYTES",
    ]);
    expect(issues.find((i) => i.name === "GENLEDGER_COLLECTOR_PORT")?.message).toContain('"70000"');
  });

  it("requires a ClickHouse server when a service runs on its own", () => {
    expect(issuesOf(() => loadConfig("dashboard", {}))).toEqual([
      { name: "GENLEDGER_CLICKHOUSE_URL", message: expect.stringContaining("required when") },
    ]);
    expect(loadConfig("dashboard", SERVER).clickhouseUrl).toBe(SERVER.GENLEDGER_CLICKHOUSE_URL);
  });

  it("applies conditional requirements", () => {
    const names = issuesOf(() =>
      loadConfig("start", { GENLEDGER_KV_URL: "upstash://", GENLEDGER_BLOB_URL: "vercel-blob://gl" }),
    ).map((i) => i.name);
    expect(names.sort()).toEqual([
      "BLOB_READ_WRITE_TOKEN",
      "UPSTASH_REDIS_REST_TOKEN",
      "UPSTASH_REDIS_REST_URL",
    ]);
  });

  it("rejects unknown GENLEDGER_ names with a suggestion", () => {
    const issues = issuesOf(() => loadConfig("start", { GENLEDGER_COLECTOR_PORT: "1" }));
    expect(issues).toEqual([
      { name: "GENLEDGER_COLECTOR_PORT", message: expect.stringContaining("GENLEDGER_COLLECTOR_PORT") },
    ]);
  });

  it("never echoes a secret", () => {
    const issues = issuesOf(() => loadConfig("collector", { GENLEDGER_CLICKHOUSE_URL: "not a url s3cr3t" }));
    expect(issues[0]?.name).toBe("GENLEDGER_CLICKHOUSE_URL");
    expect(issues[0]?.message).not.toContain("s3cr3t");
  });

  it("ignores variables of other processes and empty values", () => {
    const config = loadConfig("collector", {
      ...SERVER,
      GENLEDGER_DISABLED: "nonsense",
      GENLEDGER_SPOOL_DIR: "",
    });
    expect(config.spoolDir).toMatch(/spool$/);
    expect("disabled" in config).toBe(false);
  });

  it("types the configuration per mode", () => {
    const config = loadConfig("collector", SERVER);
    expectTypeOf(config.collectorPort).toEqualTypeOf<number>();
    expectTypeOf(config.clickhouseUrl).toEqualTypeOf<string | undefined>();
    expectTypeOf(config).not.toHaveProperty("dashboardPort");
  });
});

describe("loadConfig for the instrumentation", () => {
  it("is lenient: warns and falls back to the default", () => {
    const warnings: string[] = [];
    const config = loadConfig(
      "instrumentation",
      { GENLEDGER_DISABLED: "maybe", OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318", GENLEDGER_WHATEVER: "1" },
      { onWarning: (message) => warnings.push(message) },
    );
    expect(config.disabled).toBe(false);
    expect(config.otlpEndpoint).toBe("http://localhost:4318");
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toContain("GENLEDGER_DISABLED");
    expect(warnings.join("\n")).toContain("OTEL_EXPORTER_OTLP_ENDPOINT");
  });

  it("parses OTLP headers", () => {
    const config = loadConfig("instrumentation", {
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20k,x-a=b",
    });
    expect(config.otlpHeaders).toEqual({ authorization: "Bearer k", "x-a": "b" });
  });
});

describe("the registry", () => {
  it("declares each name once, with a parseable default", () => {
    const specs = Object.values(ENV);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const [, spec] of variablesFor("start")) expect(spec.processes.length).toBeGreaterThan(0);
    // Every default must parse, or loadConfig would throw on an empty environment.
    for (const mode of ["start", "instrumentation", "test"] as const)
      expect(() => loadConfig(mode, {})).not.toThrow();
  });
});
