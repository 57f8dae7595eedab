import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { MigrationError, SchemaNewerThanCodeError, StoreError } from "./errors.ts";
import { loadQuery } from "./queries.ts";
import { execute, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { storeTarget } from "./store-types.ts";
import { renderSql, splitStatements } from "./template.ts";

/** The migration files shipped with this package. */
export const MIGRATIONS_DIR = new URL("../migrations/", import.meta.url);

/** One numbered migration: `NNNN_name.up.sql` and (optionally) `NNNN_name.down.sql`. */
export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string | null;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;

/** Reads the migrations from a directory, sorted by version. */
export function loadMigrations(dir: URL | string = MIGRATIONS_DIR): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const file of readdirSync(dir).sort()) {
    const match = FILE.exec(file);
    if (!match) continue;
    const [, digits, name, direction] = match as unknown as [string, string, string, "up" | "down"];
    const version = Number(digits);
    const text = readFileSync(new URL(file, dirUrl(dir)), "utf8");
    const existing = byVersion.get(version) ?? { version, name, up: "", down: null };
    if (existing.name !== name) {
      throw new StoreError(`Two migrations share version ${digits}: ${existing.name} and ${name}`, {
        code: "MIGRATION_CONFLICT",
      });
    }
    if (direction === "up") existing.up = text;
    else existing.down = text;
    byVersion.set(version, existing);
  }
  const migrations = [...byVersion.values()].sort((a, b) => a.version - b.version);
  const missing = migrations.find((m) => m.up === "");
  if (missing) {
    throw new StoreError(`Migration ${fileName(missing, "down")} has no .up.sql`, {
      code: "MIGRATION_CONFLICT",
    });
  }
  return migrations;
}

const AppliedRow = z.object({ version: z.coerce.number().int(), applied: z.coerce.boolean() });

/** Versions currently applied to the database, ascending. */
export async function appliedMigrations(store: Store): Promise<number[]> {
  await ensureBookkeeping(store);
  const rows = await queryRows(
    store,
    `SELECT version, argMax(applied, at) AS applied FROM schema_migrations GROUP BY version ORDER BY version`,
    AppliedRow,
  );
  return rows.filter((row) => row.applied).map((row) => row.version);
}

/**
 * Applies every migration not yet applied, in order. Idempotent: a second run does nothing.
 * @throws {SchemaNewerThanCodeError} when the database has a migration this code does not know.
 * @returns the versions applied by this call.
 */
export async function migrate(store: Store, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  const applied = new Set(await appliedMigrations(store));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
  if (unknown.length > 0) throw new SchemaNewerThanCodeError(unknown, Math.max(0, ...known));
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await runScript(store, migration.up, fileName(migration, "up"));
    await record(store, migration, true);
    done.push(migration.version);
  }
  return done;
}

/**
 * Reverts applied migrations newer than `toVersion`, newest first (`toVersion` 0 reverts all).
 * @returns the versions reverted.
 */
export async function migrateDown(
  store: Store,
  toVersion: number,
  migrations: Migration[] = loadMigrations(),
): Promise<number[]> {
  if (!Number.isInteger(toVersion) || toVersion < 0) {
    throw new StoreError(`migrateDown: toVersion must be a whole number >= 0, got ${toVersion}`, {
      code: "INVALID_INPUT",
    });
  }
  const applied = await appliedMigrations(store);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const reverted: number[] = [];
  for (const version of applied.filter((v) => v > toVersion).reverse()) {
    const migration = byVersion.get(version);
    if (!migration) throw new SchemaNewerThanCodeError([version], Math.max(0, ...byVersion.keys()));
    if (migration.down === null) {
      throw new StoreError(`Migration ${fileName(migration, "up")} has no .down.sql to revert it`, {
        code: "MIGRATION_IRREVERSIBLE",
      });
    }
    await runScript(store, migration.down, fileName(migration, "down"));
    await record(store, migration, false);
    reverted.push(version);
  }
  return reverted;
}

async function runScript(store: Store, script: string, file: string): Promise<void> {
  let statements: string[];
  try {
    statements = splitStatements(renderSql(script, storeTarget(store)));
  } catch (error) {
    throw new MigrationError(file, 0, error);
  }
  for (const [index, statement] of statements.entries()) {
    try {
      await execute(store, statement);
    } catch (error) {
      throw new MigrationError(file, index, error);
    }
  }
}

let lastAt = 0;

async function record(store: Store, migration: Migration, applied: boolean): Promise<void> {
  // Strictly increasing, so an up and a down within the same millisecond keep their order.
  lastAt = Math.max(Date.now() * 1000, lastAt + 1);
  await execute(
    store,
    `INSERT INTO schema_migrations (version, name, applied, checksum, at)
     VALUES ({version:UInt32}, {name:String}, {applied:UInt8}, {checksum:String}, fromUnixTimestamp64Micro({at:Int64}, 'UTC'))`,
    {
      version: migration.version,
      name: migration.name,
      applied: applied ? 1 : 0,
      checksum: createHash("sha256").update(migration.up).digest("hex"),
      at: String(lastAt),
    },
  );
}

async function ensureBookkeeping(store: Store): Promise<void> {
  for (const statement of splitStatements(loadQuery("bootstrap"))) await execute(store, statement);
}

function fileName(migration: Migration, direction: "up" | "down"): string {
  return `${String(migration.version).padStart(4, "0")}_${migration.name}.${direction}.sql`;
}

function dirUrl(dir: URL | string): URL {
  if (dir instanceof URL) return dir.href.endsWith("/") ? dir : new URL(`${dir.href}/`);
  return pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`);
}
