import { describe, expect, it } from "vitest";
import { resolveConfig } from "./config.ts";

describe("resolveConfig", () => {
  it("reads the endpoint, key and headers from the environment", () => {
    const c = resolveConfig(
      {},
      {
        GENLEDGER_ENDPOINT: "https://collector.example.com/",
        GENLEDGER_API_KEY: "gl_123",
        OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=acme,x-env=prod",
        OTEL_SERVICE_NAME: "checkout",
        GENLEDGER_DASHBOARD_URL: "https://ledger.example.com",
      },
    );
    expect(c.tracesUrl).toBe("https://collector.example.com/v1/traces");
    expect(c.headers).toEqual({ "x-tenant": "acme", "x-env": "prod", Authorization: "Bearer gl_123" });
    expect(c.serviceName).toBe("checkout");
    expect(c.dashboardUrl).toBe("https://ledger.example.com");
    expect(c.warnings).toEqual([]);
  });

  it("falls back to OTEL_EXPORTER_OTLP_ENDPOINT, and a traces URL overrides both", () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel:4318" }).tracesUrl).toBe(
      "http://otel:4318/v1/traces",
    );
    expect(
      resolveConfig(
        {},
        { GENLEDGER_ENDPOINT: "http://a:1", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:2/custom" },
      ).tracesUrl,
    ).toBe("http://b:2/custom");
    expect(resolveConfig({}, {}).tracesUrl).toBe("http://localhost:4318/v1/traces");
  });

  it("warns and uses the default for bad values instead of failing", () => {
    const c = resolveConfig(
      {},
      {
        GENLEDGER_ENDPOINT: "collector:4318",
        GENLEDGER_DISABLED: "maybe",
        GENLEDGER_LOG_LEVEL: "loud",
        OTEL_EXPORTER_OTLP_HEADERS: "novalue",
      },
    );
    expect(c.tracesUrl).toBe("http://localhost:4318/v1/traces");
    expect(c.disabled).toBe(false);
    expect(c.logLevel).toBe("info");
    expect(c.warnings).toHaveLength(4);
    expect(c.warnings.join("\n")).toMatch(/GENLEDGER_ENDPOINT must be an http\(s\) URL/);
    expect(c.warnings.join("\n")).toMatch(/GENLEDGER_DISABLED must be true or false/);
    expect(resolveConfig({ maxQueueSize: -1 }, {}).maxQueueSize).toBe(2048);
  });

  it("lets explicit options win over the environment", () => {
    const c = resolveConfig(
      { endpoint: "http://explicit:1", apiKey: "k2", disabled: false },
      {
        GENLEDGER_ENDPOINT: "http://env:1",
        GENLEDGER_API_KEY: "k1",
        GENLEDGER_DISABLED: "true",
      },
    );
    expect(c.tracesUrl).toBe("http://explicit:1/v1/traces");
    expect(c.headers.Authorization).toBe("Bearer k2");
    expect(c.disabled).toBe(false);
  });
});
