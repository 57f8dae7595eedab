import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError, ENV, type EnvVar, loadConfig, MODES, type Mode } from "@genledger/core/env";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// docker-compose.yml cannot be run here (no Docker), so this checks what can go wrong without
// running it: settings the processes would reject, names and ports that do not line up.

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, "utf8"), { merge: true }) as Compose;
const dockerfile = readFileSync(`${ROOT}Dockerfile`, "utf8");

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  expose?: string[];
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] } | null>;
  deploy?: { replicas?: number };
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const services = Object.entries(compose.services);
const REGISTRY = new Map(Object.values(ENV as Record<string, EnvVar>).map((spec) => [spec.name, spec]));

/** Ports the third-party images listen on by default. */
const IMAGE_PORTS: Record<string, number[]> = {
  "clickhouse/clickhouse-server": [8123, 9000],
  redis: [6379],
  "minio/minio": [9000, 9001],
};

/** Compose interpolation with the host environment empty: `${X:-default}` becomes `default`. */
function interpolate(value: string): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g,
    (_all, name: string, op?: string, rest?: string) => {
      if (op === "?") throw new Error(`docker-compose.yml requires ${name} to be set: ${rest}`);
      return op === "-" ? (rest ?? "") : "";
    },
  );
}

/** ENV lines of the image's final stage, which every genledger container inherits. */
function imageEnvironment(): Record<string, string> {
  const finalStage = dockerfile.split(/^FROM /m).at(-1) ?? "";
  const env: Record<string, string> = {};
  for (const block of finalStage.matchAll(/^ENV\s+((?:.*\\\n)*.*)$/gm)) {
    for (const pair of block[1]!.replaceAll("\\\n", " ").matchAll(/([A-Z0-9_]+)=(\S+)/g))
      env[pair[1]!] = pair[2]!;
  }
  return env;
}

function environmentOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw)
    ? raw.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string])
    : Object.entries(raw).map(
        ([key, value]) => [key, value === null ? "" : String(value)] as [string, string],
      );
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(value ?? "")]));
}

const argv = (value: string[] | string | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/);

/** The mode a genledger container runs in, from its command; the demo is an instrumented app. */
function modeOf(service: Service): Mode | undefined {
  if (service.build === undefined) return undefined;
  if (argv(service.entrypoint).some((arg) => arg.startsWith("demo/"))) return "instrumentation";
  const sub = argv(service.command)[0] ?? "start";
  return sub in MODES ? (sub as Mode) : undefined;
}

const genledger = services.filter(([, service]) => service.build !== undefined);

describe("docker-compose.yml", () => {
  it("runs the scaled shape: ClickHouse, Redis, MinIO with its bucket, two collectors, a dashboard", () => {
    const images = services.map(([, s]) => s.image?.split(":")[0]);
    expect(images).toEqual(
      expect.arrayContaining(["clickhouse/clickhouse-server", "redis", "minio/minio", "minio/mc"]),
    );
    const modes = genledger.map(([, s]) => modeOf(s));
    expect(modes.filter((m) => m === "collector")).toHaveLength(2);
    expect(modes.filter((m) => m === "dashboard")).toHaveLength(1);
    const bucket = /s3:\/\/([^/]+)/.exec(
      environmentOf(compose.services.dashboard!).GENLEDGER_BLOB_URL ?? "",
    )?.[1];
    const mcScript = argv(compose.services["minio-init"]?.entrypoint).join(" ");
    expect(mcScript).toContain(`mc mb --ignore-existing local/${bucket}`);
  });

  it("gives every genledger process a configuration it accepts", () => {
    for (const [name, service] of genledger) {
      const mode = modeOf(service);
      expect(mode, `${name}: unknown command ${JSON.stringify(service.command)}`).toBeDefined();
      const env = { ...imageEnvironment(), ...environmentOf(service) };
      const processes: readonly string[] = MODES[mode!];
      for (const key of Object.keys(environmentOf(service))) {
        const spec = REGISTRY.get(key);
        expect(spec, `${name} sets ${key}, which genledger does not read`).toBeDefined();
        expect(
          spec!.processes.some((p) => processes.includes(p)),
          `${name} (${mode}) sets ${key}, which only ${spec!.processes.join("/")} read`,
        ).toBe(true);
      }
      try {
        loadConfig(mode!, env, { onWarning: (message) => expect.fail(`${name}: ${message}`) });
      } catch (error) {
        if (error instanceof ConfigError) expect.fail(`${name}: ${error.message}`);
        throw error;
      }
    }
  });

  it("points every URL at a service that listens on that port", () => {
    const listening = new Map<string, number[]>();
    for (const [name, service] of services) {
      const mode = modeOf(service);
      const env = { ...imageEnvironment(), ...environmentOf(service) };
      let ports = IMAGE_PORTS[service.image?.split(":")[0] ?? ""] ?? [];
      if (mode === "collector") ports = [loadConfig("collector", env).collectorPort];
      if (mode === "dashboard") ports = [loadConfig("dashboard", env).dashboardPort];
      const aliases = Object.values(service.networks ?? {}).flatMap((n) => n?.aliases ?? []);
      for (const host of [name, ...aliases]) listening.set(host, [...(listening.get(host) ?? []), ...ports]);
      // The container side of a published port, and `expose`, must be a port the process listens on.
      const published = [
        ...(service.ports ?? []).map((p) => Number(p.split(":").at(-1))),
        ...(service.expose ?? []).map(Number),
      ];
      for (const port of published) expect(ports, `${name} publishes ${port}`).toContain(port);
    }
    const urls = genledger.flatMap(([name, service]) =>
      Object.entries(environmentOf(service))
        .filter(([, value]) => /^[a-z][a-z0-9+.-]*:\/\/[^/]*:\d+/.test(value))
        .map(([key, value]) => ({ name, key, url: new URL(value) })),
    );
    expect(urls.map((u) => u.key)).toEqual(
      expect.arrayContaining([
        "GENLEDGER_CLICKHOUSE_URL",
        "GENLEDGER_KV_URL",
        "GENLEDGER_S3_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
      ]),
    );
    for (const { name, key, url } of urls) {
      if (url.hostname === "localhost") continue;
      expect(listening.get(url.hostname), `${name} ${key}: no service "${url.hostname}"`).toBeDefined();
      expect(
        listening.get(url.hostname),
        `${name} ${key}: ${url.hostname} does not listen on ${url.port}`,
      ).toContain(Number(url.port));
    }
    // Each service listening on an alias (`collector`) must agree on the port, or clients would miss half.
    expect(new Set(listening.get("collector")).size).toBe(1);
    expect(listening.get("collector")).toEqual([4318, 4318]);
    expect(listening.get("dashboard")).toEqual([3000]);
    expect(listening.get("clickhouse")).toContain(8123);
  });

  it("has a health check on every long-running service and only valid dependencies", () => {
    for (const [name, service] of services) {
      const oneShot = service.restart === "no";
      if (!oneShot) expect(service.healthcheck?.test, `${name} has no health check`).toBeDefined();
      const deps = Array.isArray(service.depends_on)
        ? Object.fromEntries(service.depends_on.map((d) => [d, { condition: "service_started" }]))
        : (service.depends_on ?? {});
      for (const [dep, { condition }] of Object.entries(deps)) {
        const target = compose.services[dep];
        expect(target, `${name} depends on unknown service ${dep}`).toBeDefined();
        if (condition === "service_healthy")
          expect(target!.healthcheck, `${name} waits for ${dep} to be healthy`).toBeDefined();
        if (condition === "service_completed_successfully")
          expect(target!.restart, `${dep} must be a one-shot`).toBe("no");
      }
    }
  });

  it("gives the demo an ingest key the collectors accept", () => {
    const demo = { ...imageEnvironment(), ...environmentOf(compose.services.demo!) };
    const key = loadConfig("instrumentation", demo).apiKey;
    for (const [name, service] of genledger.filter(([, s]) => modeOf(s) === "collector")) {
      const config = loadConfig("collector", { ...imageEnvironment(), ...environmentOf(service) });
      const accepted =
        config.ingestAuth === "none" || (config.ingestKeys ?? []).some((k) => k.secret === key);
      expect(accepted, `${name} would refuse the demo's exports`).toBe(true);
    }
  });

  it("health checks go through the CLI, which knows the configured ports", () => {
    for (const [name, service] of genledger) {
      const mode = modeOf(service);
      if (mode !== "collector" && mode !== "dashboard") continue;
      expect(argv(service.healthcheck?.test), name).toEqual(["CMD", "genledger", "health", mode]);
    }
  });

  it("declares its volumes, keeps each collector's spool apart and the demo behind a profile", () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = services
      .flatMap(([, s]) => (s.volumes ?? []).map((v) => v.split(":")[0]!))
      .filter((v) => !v.startsWith("."));
    for (const volume of used) expect(declared).toContain(volume);
    const collectorVolumes = genledger
      .filter(([, s]) => modeOf(s) === "collector")
      .map(([, s]) => s.volumes?.[0]);
    expect(new Set(collectorVolumes).size).toBe(2);
    expect(compose.services.demo?.profiles).toEqual(["demo"]);
    for (const [name, service] of services) {
      if (name !== "demo") expect(service.profiles, name).toBeUndefined();
    }
  });

  it("runs the migrations once, before the processes that skip them", () => {
    const migrate = genledger.find(([, s]) => modeOf(s) === "migrate");
    expect(migrate).toBeDefined();
    for (const [name, service] of genledger) {
      const mode = modeOf(service);
      if (mode !== "collector" && mode !== "dashboard") continue;
      expect(loadConfig(mode, { ...imageEnvironment(), ...environmentOf(service) }).migrate, name).toBe(
        false,
      );
      expect((service.depends_on as Record<string, { condition: string }>)[migrate![0]]?.condition).toBe(
        "service_completed_successfully",
      );
    }
  });
});
