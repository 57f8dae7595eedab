import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { resolveConfig } from "./config.ts";
import { DataDirLockedError, InvalidInputError, QueryError } from "./errors.ts";
import { execute, queryRows } from "./sql.ts";
import { createClickHouse } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "genledger-lock-"));
let child: ChildProcess | null = null;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts another node process that opens the store in `dataDir` and holds it until killed. */
async function holdDataDir(dataDir: string): Promise<ChildProcess> {
  const script = join(dataDir, "hold.ts");
  writeFileSync(
    script,
    `import { createClickHouse } from ${JSON.stringify(new URL("./store.ts", import.meta.url).href)};
const store = await createClickHouse({ url: "", dataDir: ${JSON.stringify(dataDir)} });
console.log("ready");
setInterval(() => {}, 1000);
process.on("SIGTERM", async () => { await store.close(); process.exit(0); });
`,
  );
  const proc = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`holder did not start: ${err}`)), 60_000);
    proc.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once("exit", (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
  return proc;
}

describe("createClickHouse, embedded", () => {
  it("throws DataDirLockedError naming the directory and the holder while another process uses it", async () => {
    child = await holdDataDir(dir);
    const attempt = createClickHouse({ url: "", dataDir: dir });
    await expect(attempt).rejects.toThrow(DataDirLockedError);
    const error = (await attempt.catch((e: unknown) => e)) as DataDirLockedError;
    expect(error.code).toBe("DATA_DIR_LOCKED");
    expect(error.dir).toBe(join(dir, "clickhouse"));
    expect(error.pid).toBe(child.pid);
    expect(error.message).toContain(join(dir, "clickhouse"));
    expect(error.message).toContain(`another genledger process (pid ${child.pid})`);

    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    child = null;
    const store = await createClickHouse({ url: "", dataDir: dir });
    expect(store.embedded).toBe(true);
    expect(store.dataDir).toBe(join(dir, "clickhouse"));
    await store.close();
    await store.close();
  });

  it("wraps ClickHouse failures in a typed QueryError with code and cause", async () => {
    const store = await createClickHouse({ url: "", dataDir: dir, migrate: false });
    try {
      const failure = await execute(store, "SELECT * FROM no_such_table").catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(QueryError);
      expect((failure as QueryError).code).toBe("UNKNOWN_TABLE");
      expect((failure as QueryError).clickhouseCode).toBe("60");
      expect((failure as QueryError).cause).toBeInstanceOf(Error);
      await expect(queryRows(store, "SELECT 1 AS n", z.object({ n: z.string() }))).rejects.toThrow(
        /Unexpected row 0 from ClickHouse at n/,
      );
    } finally {
      await store.close();
    }
  });

  it("uses another database when asked", async () => {
    const store = await createClickHouse({ url: "", dataDir: dir, database: "tenant_a" });
    try {
      const [row] = await queryRows(
        store,
        "SELECT currentDatabase() AS db, (SELECT count() FROM system.tables WHERE database = 'tenant_a' AND name = 'generations') AS n",
        z.object({ db: z.string(), n: z.coerce.number() }),
      );
      expect(row).toEqual({ db: "tenant_a", n: 1 });
    } finally {
      await store.close();
    }
  });
});

describe("resolveConfig", () => {
  it("reads the environment and defaults", () => {
    const config = resolveConfig(
      {},
      {
        GENLEDGER_DATA_DIR: "/srv/gl",
        GENLEDGER_CLICKHOUSE_CLUSTER: "main",
        GENLEDGER_RETENTION_DAYS_RAW: "95",
        GENLEDGER_RETENTION_DAYS_TEXT: "30",
      },
    );
    expect(config).toEqual({
      url: null,
      dataDir: "/srv/gl",
      database: "default",
      cluster: "main",
      migrate: true,
      retention: { rawDays: 95, textDays: 30, rollupDays: 0 },
    });
    expect(resolveConfig({}, { GENLEDGER_CLICKHOUSE_URL: "https://u:p@ch:8443/gl" })).toMatchObject({
      url: "https://u:p@ch:8443/gl",
      database: "gl",
    });
    expect(resolveConfig({ url: "" }, { GENLEDGER_CLICKHOUSE_URL: "http://ch:8123" }).url).toBeNull();
  });

  it("names a bad value", () => {
    expect(() => resolveConfig({}, { GENLEDGER_RETENTION_DAYS_TEXT: "30d" })).toThrow(
      /GENLEDGER_RETENTION_DAYS_TEXT: expected a whole number of days/,
    );
    expect(() => resolveConfig({}, { GENLEDGER_CLICKHOUSE_URL: "ch:8123" })).toThrow(InvalidInputError);
    expect(() => resolveConfig({ database: "a-b" }, {})).toThrow(/GENLEDGER_CLICKHOUSE_DATABASE/);
    expect(() => resolveConfig({ cluster: "x'; DROP" }, {})).toThrow(/GENLEDGER_CLICKHOUSE_CLUSTER/);
  });
});
