import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";
import { type ClickHouseConfig, type ResolvedConfig, resolveConfig } from "./config.ts";
import { DataDirLockedError, StoreError } from "./errors.ts";
import { migrate } from "./migrations.ts";
import { syncRetention } from "./retention.ts";
import { execute, quote } from "./sql.ts";
import { type RawInsert, registerStore, type Store } from "./store-types.ts";

type Connection = NonNullable<Parameters<typeof createClient>[0]>["connection"];

/** Embedded data directories open in this process (chDB binds one per process), with open counts. */
const openDirs = new Map<string, number>();

/**
 * Connects to ClickHouse and applies pending migrations.
 * With a URL (or `GENLEDGER_CLICKHOUSE_URL`): a ClickHouse server over HTTP. Without: embedded chDB
 * with its data in `<dataDir>/clickhouse`. The same `@clickhouse/client` API either way.
 * @throws {DataDirLockedError} when another process holds the embedded data directory.
 * @throws {SchemaNewerThanCodeError} when the database was migrated by a newer genledger.
 * @example
 * const store = await createClickHouse({ dataDir: "./.genledger" });
 * try { ... } finally { await store.close(); }
 */
export async function createClickHouse(config: ClickHouseConfig = {}): Promise<Store> {
  const resolved = resolveConfig(config);
  const store = resolved.url === null ? await openEmbedded(resolved) : await openServer(resolved);
  try {
    await execute(store, "SELECT 1");
    if (resolved.migrate) {
      await migrate(store);
      await syncRetention(store, resolved.retention);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function openServer(config: ResolvedConfig): Promise<Store> {
  const url = config.url as string;
  const settings = { output_format_json_quote_64bit_integers: 1 } as const;
  if (config.database !== "default") {
    const bootstrap = createClient({ url, database: "default", clickhouse_settings: settings });
    try {
      const onCluster = config.cluster === null ? "" : ` ON CLUSTER ${quote(config.cluster)}`;
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}${onCluster}` });
    } catch (error) {
      throw new StoreError(`Cannot create database ${config.database} on ${redact(url)}: ${String(error)}`, {
        code: "CONNECT_FAILED",
        cause: error,
      });
    } finally {
      await bootstrap.close();
    }
  }
  const client = createClient({ url, database: config.database, clickhouse_settings: settings });
  return makeStore(client, config, {
    embedded: false,
    dataDir: null,
    rawInsert: null,
    onClose: async () => {},
  });
}

async function openEmbedded(config: ResolvedConfig): Promise<Store> {
  const dir = join(config.dataDir, "clickhouse");
  const other = [...openDirs.keys()].find((path) => path !== dir);
  if (other !== undefined) {
    throw new StoreError(
      `This process already uses the embedded ClickHouse data directory ${other}; chDB binds one data directory ` +
        `per process, so ${dir} cannot be opened too. Close the other store first.`,
      { code: "EMBEDDED_DIR_IN_USE" },
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StoreError(`Cannot create the data directory ${dir}: ${String(error)}`, {
      code: "DATA_DIR_UNWRITABLE",
      cause: error,
    });
  }
  let chdb: ReturnType<typeof createChdbConnection>;
  try {
    chdb = createChdbConnection({ path: dir });
  } catch (error) {
    throw classifyOpenError(dir, error);
  }
  // chDB types its connection against its own copy of @clickhouse/client-common.
  const connection = chdb as unknown as Connection;
  openDirs.set(dir, (openDirs.get(dir) ?? 0) + 1);
  const client = createClient({ connection });
  const rawInsert: RawInsert = (params) => chdb.chdb.rawInsert(params);
  const store = makeStore(client, config, {
    embedded: true,
    dataDir: dir,
    rawInsert,
    onClose: async () => {
      const count = (openDirs.get(dir) ?? 1) - 1;
      if (count <= 0) openDirs.delete(dir);
      else openDirs.set(dir, count);
    },
  });
  try {
    // chDB keeps SET for the whole session: 64-bit integers as JSON strings (the server's default),
    // and the database selected once.
    await client.command({ query: "SET output_format_json_quote_64bit_integers = 1" });
    if (config.database !== "default") {
      await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
      await client.command({ query: `USE ${config.database}` });
    }
  } catch (error) {
    await store.close();
    throw new StoreError(`Cannot prepare the embedded ClickHouse in ${dir}: ${String(error)}`, {
      code: "EMBEDDED_OPEN_FAILED",
      cause: error,
    });
  }
  return store;
}

function makeStore(
  client: ClickHouseClient,
  config: ResolvedConfig,
  options: {
    embedded: boolean;
    dataDir: string | null;
    rawInsert: RawInsert | null;
    onClose: () => Promise<void>;
  },
): Store {
  let closed: Promise<void> | null = null;
  const store: Store = {
    client,
    embedded: options.embedded,
    database: config.database,
    cluster: config.cluster,
    dataDir: options.dataDir,
    close: () => {
      closed ??= (async () => {
        await client.close();
        await options.onClose();
      })();
      return closed;
    },
  };
  registerStore(
    store,
    { cluster: config.cluster, database: config.database, retention: config.retention },
    options.rawInsert,
  );
  return store;
}

function classifyOpenError(dir: string, error: unknown): StoreError {
  const pid = holderPid(dir);
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  if ((pid !== null && pid !== process.pid && isAlive(pid)) || /lock/i.test(message)) {
    return new DataDirLockedError(
      dir,
      pid !== null && pid !== process.pid && isAlive(pid) ? pid : null,
      error,
    );
  }
  return new StoreError(`Cannot open the embedded ClickHouse in ${dir}: ${message.trim()}`, {
    code: "EMBEDDED_OPEN_FAILED",
    cause: error,
  });
}

/** ClickHouse writes `PID: n` into `<path>/status` and holds a lock on it while running. */
function holderPid(dir: string): number | null {
  const status = join(dir, "status");
  if (!existsSync(status)) return null;
  try {
    const match = /PID:\s*(\d+)/.exec(readFileSync(status, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
