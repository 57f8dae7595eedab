import { ConfigError } from "@genledger/core/env";
import { describe, expect, it } from "vitest";
import { collectorConfigFromEnv, resolveCollectorConfig } from "./config.ts";

/** The standalone collector needs a ClickHouse server; `start` (embedded) does not. */
const BASE = { GENLEDGER_CLICKHOUSE_URL: "http://localhost:8123/genledger" };

describe("collector configuration", () => {
  it("reads the documented defaults", () => {
    const config = collectorConfigFromEnv(BASE);
    expect(config.port).toBe(4318);
    expect(config.auth.mode).toBe("required");
    expect(config.limits.maxDecompressedBytes).toBe(128 * 1024 * 1024);
    expect(config.redaction.default).toBeNull();
  });

  it("parses keys, limits and redaction rules", () => {
    const config = collectorConfigFromEnv({
      ...BASE,
      GENLEDGER_COLLECTOR_PORT: "0",
      GENLEDGER_INGEST_KEYS: "secret-one:acme, secret-two:beta",
      GENLEDGER_INGEST_MAX_BODY_BYTES: "2MiB",
      GENLEDGER_INGEST_KEY_CACHE_TTL: "5s",
      GENLEDGER_REDACT: "emails,secrets",
    });
    expect(config.port).toBe(0);
    expect(config.auth.staticKeys).toEqual([
      { secret: "secret-one", projectId: "acme" },
      { secret: "secret-two", projectId: "beta" },
    ]);
    expect(config.auth.cacheTtlMs).toBe(5000);
    expect(config.limits.maxBodyBytes).toBe(2 * 1024 * 1024);
    expect(config.redaction.default?.rules).toEqual(["email", "bearer", "jwt", "api_key"]);
  });

  it("names every bad field in one error, without echoing secrets", () => {
    let error: unknown;
    try {
      collectorConfigFromEnv({
        ...BASE,
        GENLEDGER_COLLECTOR_PORT: "99999",
        GENLEDGER_INGEST_KEYS: "short:acme",
        GENLEDGER_INGEST_MAX_SPANS: "0",
        GENLEDGER_REDACT: "emails,faces",
        GENLEDGER_INGEST_MAX_BODY: "1MiB",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).issues.map((issue) => issue.name).sort();
    expect(names).toEqual([
      "GENLEDGER_COLLECTOR_PORT",
      "GENLEDGER_INGEST_KEYS",
      "GENLEDGER_INGEST_MAX_BODY",
      "GENLEDGER_INGEST_MAX_SPANS",
      "GENLEDGER_REDACT",
    ]);
    expect((error as Error).message).not.toContain("short:acme");
    expect((error as Error).message).toMatch(/GENLEDGER_INGEST_MAX_BODY: not a genledger setting/);
  });

  it("validates a configuration built in code", () => {
    expect(() => resolveCollectorConfig({ port: -1, limits: { maxTokens: 0 } })).toThrow(
      /port: .*\n.*limits\.maxTokens/s,
    );
  });
});
