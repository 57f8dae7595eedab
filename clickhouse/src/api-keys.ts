import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { execute, queryRows } from "./sql.ts";
import type { Store } from "./store-types.ts";
import { fromChTime, toChTime } from "./time.ts";

/** What an API key may do: send telemetry, or read through the JSON API. */
export const API_KEY_SCOPES = ["ingest", "read"] as const;
/** One of {@link API_KEY_SCOPES}. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** An API key as listed (never the secret). */
export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string;
  scope: ApiKeyScope;
  /** First characters of the secret, to recognise it. */
  prefix: string;
  createdBy: string;
  createdAt: Date;
  /** null while the key is valid. */
  revokedAt: Date | null;
}

const KeyRow = z.object({
  id: z.string(),
  project_id: z.string(),
  name: z.string(),
  scope: z.enum(API_KEY_SCOPES),
  key_hash: z.string(),
  key_prefix: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
type KeyRow = z.infer<typeof KeyRow>;

const SELECT = `SELECT id, project_id, name, scope, key_hash, key_prefix, created_by,
  toString(created_at) AS created_at, if(revoked_at IS NULL, NULL, toString(revoked_at)) AS revoked_at
  FROM api_keys FINAL`;

let lastVersion = 0;

/**
 * Creates an API key. The secret is returned once; only its SHA-256 is stored.
 * @example const { id, key } = await createApiKey(store, { projectId: "p1", name: "prod", scope: "ingest", createdBy: "ana@example.com" })
 */
export async function createApiKey(
  store: Store,
  input: { projectId: string; name: string; scope: ApiKeyScope; createdBy: string },
): Promise<{ id: string; key: string }> {
  if (!input.projectId) throw new InvalidInputError("projectId", "required");
  if (!input.name?.trim()) throw new InvalidInputError("name", "required");
  if (!API_KEY_SCOPES.includes(input.scope)) {
    throw new InvalidInputError(
      "scope",
      `expected one of ${API_KEY_SCOPES.join(", ")}, got "${input.scope}"`,
    );
  }
  const id = `key_${randomBytes(12).toString("base64url")}`;
  const key = `glk_${input.scope}_${randomBytes(24).toString("base64url")}`;
  await writeKey(store, {
    id,
    project_id: input.projectId,
    name: input.name.trim(),
    scope: input.scope,
    key_hash: hashSecret(key),
    key_prefix: key.slice(0, 14),
    created_by: input.createdBy ?? "",
    created_at: toChTime(new Date()),
    revoked_at: null,
  });
  return { id, key };
}

/** The valid (not revoked) key with this secret, or null. */
export async function findApiKey(
  store: Store,
  secret: string,
): Promise<{ id: string; projectId: string; scope: ApiKeyScope; name: string } | null> {
  if (!secret) return null;
  const [row] = await queryRows(
    store,
    `${SELECT} WHERE key_hash = {hash:String} AND revoked_at IS NULL LIMIT 1`,
    KeyRow,
    { hash: hashSecret(secret) },
  );
  return row ? { id: row.id, projectId: row.project_id, scope: row.scope, name: row.name } : null;
}

/** Keys (revoked ones included), newest first. */
export async function listApiKeys(store: Store, options: { projectId?: string } = {}): Promise<ApiKeyInfo[]> {
  const rows = await queryRows(
    store,
    `${SELECT} WHERE ({projectId:String} = '' OR project_id = {projectId:String}) ORDER BY created_at DESC, id`,
    KeyRow,
    { projectId: options.projectId ?? "" },
  );
  return rows.map((row) => ({
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    scope: row.scope,
    prefix: row.key_prefix,
    createdBy: row.created_by,
    createdAt: fromChTime(row.created_at),
    revokedAt: row.revoked_at === null ? null : fromChTime(row.revoked_at),
  }));
}

/**
 * Revokes a key: `findApiKey` stops accepting it at once.
 * @returns false when no such key exists or it was already revoked.
 */
export async function revokeApiKey(store: Store, id: string): Promise<boolean> {
  const [row] = await queryRows(store, `${SELECT} WHERE id = {id:String} LIMIT 1`, KeyRow, { id });
  if (!row || row.revoked_at !== null) return false;
  await writeKey(store, { ...row, revoked_at: toChTime(new Date()) });
  return true;
}

async function writeKey(store: Store, row: KeyRow): Promise<void> {
  // Strictly increasing versions so a revoke in the same millisecond as the create still wins.
  lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
  await execute(
    store,
    `INSERT INTO api_keys (id, project_id, name, scope, key_hash, key_prefix, created_by, created_at, revoked_at, version)
     VALUES ({id:String}, {projectId:String}, {name:String}, {scope:String}, {hash:String}, {prefix:String},
             {createdBy:String}, {createdAt:DateTime64(3, 'UTC')}, {revokedAt:Nullable(DateTime64(3, 'UTC'))}, {version:UInt64})`,
    {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      scope: row.scope,
      hash: row.key_hash,
      prefix: row.key_prefix,
      createdBy: row.created_by,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      version: String(lastVersion),
    },
  );
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
