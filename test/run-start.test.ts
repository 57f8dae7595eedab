// `genledger start` as a user runs it: one process from the repository, on a fresh data directory
// and free ports. The demo sends a few days of simulated traffic through the real instrumentation,
// a real Chromium signs in with the printed credentials and finds that data on every page; a
// second start on the same data directory, or on a busy port, fails with one clear line; and
// Ctrl-C during ingest loses no acknowledged generation.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClickHouse, type GenerationPage, listGenerations } from "@genledger/clickhouse";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchBrowser, type TestBrowser } from "./support/browser.ts";
import { type OtlpGeneration, otlpExport } from "./support/collector-otlp.ts";
import { ensureDashboardBuild } from "./support/dashboard-build.ts";
import { freePort, tempDir } from "./support/services.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Alert rules evaluated every 2 s instead of every minute, so firings show up during the test. */
const ALERTS_OFTEN = { GENLEDGER_ALERT_INTERVAL: "2s" };

/** A child process with its output collected. */
interface Proc {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, GENLEDGER_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk;
    for (const l of listeners) l();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk;
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out + err,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = (out + err).match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${out}${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        exited.then((code) => {
          if (!listeners.has(check)) return;
          cleanup();
          reject(new Error(`exited (${code}) before ${pattern}:\n${out}${err}`));
        });
        check();
      }),
  };
}

interface Instance {
  proc: Proc;
  collector: string;
  dashboard: string;
}

async function start(
  dataDir: string,
  collectorPort: number,
  dashboardPort: number,
  extra: Record<string, string> = {},
): Promise<Instance> {
  const proc = run(["bin/genledger.ts", "start"], {
    GENLEDGER_DATA_DIR: dataDir,
    GENLEDGER_COLLECTOR_PORT: String(collectorPort),
    GENLEDGER_DASHBOARD_PORT: String(dashboardPort),
    ...extra,
  });
  await proc.waitFor(/genledger: ready:/, 180_000);
  return {
    proc,
    collector: `http://127.0.0.1:${collectorPort}`,
    dashboard: `http://127.0.0.1:${dashboardPort}`,
  };
}

async function stop(
  instance: Instance | undefined,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  if (!instance || instance.proc.child.exitCode !== null) return instance?.proc.child.exitCode ?? null;
  instance.proc.child.kill(signal);
  return await instance.proc.exited;
}

/** Exits of a process expected to fail fast: code and stderr lines. */
async function failure(proc: Proc): Promise<{ code: number | null; lines: string[] }> {
  const code = await Promise.race([
    proc.exited,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 120_000)),
  ]);
  if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
  return { code, lines: proc.stderr().trim().split("\n").filter(Boolean) };
}

describe.skipIf(!hasChromium())("genledger start", () => {
  const data = tempDir("genledger-start-");
  const dataDir = join(data.path, "data");
  let ports: { collector: number; dashboard: number };
  let instance: Instance | undefined;
  let admin: { email: string; password: string };
  let browser: TestBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    ensureDashboardBuild();
    ports = { collector: await freePort(), dashboard: await freePort() };
    instance = await start(dataDir, ports.collector, ports.dashboard, ALERTS_OFTEN);
    const printed = instance.proc.output().match(/dashboard admin: (\S+) \/ (\S+)/);
    if (!printed) throw new Error(`no admin credentials printed:\n${instance.proc.output()}`);
    admin = { email: printed[1]!, password: printed[2]! };
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stop(instance);
    data.remove();
  });

  it("prints the first admin and an ingest key once, and keeps the key for the demo", () => {
    const output = instance!.proc.output();
    expect(output).toMatch(/ingest key \(project default\): \S{16,}/);
    expect(existsSync(join(dataDir, "local-ingest-key"))).toBe(true);
    expect(output.match(/shown once/g)).toHaveLength(1);
  });

  it("refuses a second start on the same data directory with one clear line", async () => {
    const second = run(["bin/genledger.ts", "start"], {
      GENLEDGER_DATA_DIR: dataDir,
      GENLEDGER_COLLECTOR_PORT: String(await freePort()),
      GENLEDGER_DASHBOARD_PORT: String(await freePort()),
    });
    const { code, lines } = await failure(second);
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^genledger: the data directory .* is in use by another genledger process/);
  }, 150_000);

  it("refuses a busy port with one clear line", async () => {
    const other = tempDir("genledger-start-port-");
    try {
      const second = run(["bin/genledger.ts", "start"], {
        GENLEDGER_DATA_DIR: other.path,
        GENLEDGER_COLLECTOR_PORT: String(ports.collector),
        GENLEDGER_DASHBOARD_PORT: String(await freePort()),
      });
      const { code, lines } = await failure(second);
      expect(code).toBe(1);
      expect(lines).toEqual([
        `genledger: port ${ports.collector} on 127.0.0.1 is already in use: stop the other process or set GENLEDGER_COLLECTOR_PORT`,
      ]);
    } finally {
      other.remove();
    }
  }, 150_000);

  it("takes a few days of demo traffic through the real instrumentation", async () => {
    const demo = run(
      [
        "demo/src/main.ts",
        ...["--days", "3", "--users", "25", "--per-user-per-day", "4"],
        ...["--live-seconds", "6", "--rate", "4", "--spike-every-seconds", "2"],
      ],
      // The key is found in the data directory the start used, as a user running both would.
      { OTEL_EXPORTER_OTLP_ENDPOINT: instance!.collector, GENLEDGER_DATA_DIR: dataDir },
    );
    const code = await demo.exited;
    expect(code, demo.output()).toBe(0);
    expect(demo.output()).toMatch(/SIMULATED traffic/);
    expect(demo.output()).toMatch(/exporter: [\d,]+ spans exported, 0 dropped/);
  }, 240_000);

  it("signs in with the printed credentials and finds the demo's data on every page", async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    const base = instance!.dashboard;
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', admin.email);
    await page.fill('input[name="password"]', admin.password);
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => url.pathname !== "/login");

    // The writer lands batches within a second or two; wait for the list to fill.
    await expect
      .poll(
        async () => {
          await page.goto(`${base}/generations`);
          return await page.getByTestId("generation-row").count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeGreaterThan(10);

    const pages: Array<[path: string, expected: RegExp]> = [
      ["/", /\$\d/],
      ["/generations", /user_/],
      ["/users", /user_kx9q2z/],
      ["/costs", /claude-sonnet-4-5|gpt-4o-mini/],
      ["/abuse", /user_kx9q2z/],
      ["/settings/keys", /local/],
    ];
    for (const [path, expected] of pages) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await page.locator("main").textContent(), path).toMatch(expected);
    }

    // A generation page: the simulated label travels with every record.
    await page.goto(`${base}/generations`);
    await page.getByTestId("generation-row").first().locator('a[href^="/generation/"]').first().click();
    await page.waitForURL(/\/generation\/[^/]+$/);
    await expect.poll(() => page.locator("main").textContent()).toMatch(/simulated/);

    // Budgets: one made here, measured against the demo's spend.
    await page.goto(`${base}/budgets`);
    await page.fill('[data-testid="budget-form"] input[name="name"]', "Everything, monthly");
    await page.fill('[data-testid="budget-form"] input[name="amount"]', "1000");
    await page.click('[data-testid="budget-form"] button[type="submit"]');
    const budget = page.locator('[data-testid="budget-row"][data-name="Everything, monthly"]');
    await budget.waitFor();
    expect(await budget.locator("td.num").first().textContent()).toMatch(/\$(?!0\.00\b)[\d,.]+/);

    // Alerts: the default rules of a first start, and their firings on the demo's traffic.
    await page.goto(`${base}/alerts`);
    expect(await page.getByTestId("rule-row").count()).toBe(4);
    await expect
      .poll(
        async () => {
          await page.goto(`${base}/alerts`);
          return await page.getByTestId("firing-row").count();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBeGreaterThan(0);
    expect(browser.errors).toEqual([]);
  }, 180_000);

  it("loses no acknowledged generation when interrupted with Ctrl-C during ingest", async () => {
    const key = readFileSync(join(dataDir, "local-ingest-key"), "utf8").trim();
    const acked: string[] = [];
    let n = 0;
    let refused = false;
    const send = async () => {
      while (!refused) {
        const batch: OtlpGeneration[] = Array.from({ length: 5 }, () => {
          n += 1;
          return {
            id: `sigint_${String(n).padStart(6, "0")}`,
            costNanos: 1000 + n,
            userId: "user_sigint",
            startedAt: new Date(),
            n: 900_000 + n,
          };
        });
        try {
          const response = await fetch(`${instance!.collector}/v1/traces`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
            body: otlpExport(batch, "sigint-test"),
          });
          await response.text();
          if (response.status === 200) acked.push(...batch.map((g) => g.id));
        } catch {
          refused = true; // the server stopped listening
        }
      }
    };
    const senders = Array.from({ length: 6 }, send);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(acked.length).toBeGreaterThan(0);
    const code = await stop(instance, "SIGINT");
    refused = true;
    await Promise.all(senders);
    expect(code, instance!.proc.output()).toBe(0);
    expect(instance!.proc.output()).toMatch(/genledger: stopped/);

    // Restart (a spool left over would be written now), then stop and read the store directly.
    instance = await start(dataDir, ports.collector, ports.dashboard, ALERTS_OFTEN);
    expect(instance.proc.output()).not.toMatch(/shown once|dashboard admin|ingest key/);
    expect(await stop(instance)).toBe(0);
    const store = await createClickHouse({ url: "", dataDir, migrate: false });
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: GenerationPage = await listGenerations(store, {
          userId: "user_sigint",
          limit: 500,
          cursor,
        });
        for (const item of page.items) stored.add(item.id);
        cursor = page.nextCursor;
      } while (cursor);
      const missing = acked.filter((id) => !stored.has(id));
      expect(missing, `${missing.length} of ${acked.length} acknowledged generations missing`).toEqual([]);
    } finally {
      await store.close();
    }
  }, 300_000);
});
