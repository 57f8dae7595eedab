import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { IngestAuthConfig } from "./config.ts";
import { HttpError } from "./http/errors.ts";

/** A stored API key as `findApiKey` of `@genledger/clickhouse` returns it. */
export interface ApiKeyRecord {
  projectId: string;
  scope: string;
}

/** Looks a key up by its secret; `(secret) => findApiKey(store, secret)` in production. */
export type ApiKeyLookup = (secret: string) => Promise<ApiKeyRecord | null>;

/** Resolves the project of a request from its key. */
export interface KeyResolver {
  /**
   * The project the request's key is bound to.
   * @throws HttpError 401 without a valid ingest key, 503 when the key store cannot be asked.
   */
  projectFor(headers: IncomingHttpHeaders): Promise<string>;
}

const MAX_CACHE_ENTRIES = 10_000;

/** The key a request carries: `Authorization: Bearer <key>` or `x-genledger-key: <key>`. */
export function keyFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers["x-genledger-key"];
  const value = Array.isArray(direct) ? direct[0] : direct;
  if (value !== undefined && value.trim() !== "") return value.trim();
  const authorization = headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/**
 * A resolver over the static keys of the configuration and, when given, the key store. Store
 * answers (found or not) are cached for `cacheTtlMs`, keyed by a hash of the secret, so that a
 * flood of exports does not become a flood of queries; a revoked key stops working within the TTL.
 * With `mode: "none"` every request goes to `defaultProjectId`.
 */
export function createKeyResolver(config: IngestAuthConfig, lookup?: ApiKeyLookup): KeyResolver {
  const statics = config.staticKeys.map((key) => ({ digest: digest(key.secret), projectId: key.projectId }));
  const cache = new Map<string, { projectId: string | null; expires: number }>();

  async function fromStore(secret: string, hash: Buffer): Promise<string | null> {
    if (lookup === undefined) return null;
    const cacheKey = hash.toString("base64");
    const cached = cache.get(cacheKey);
    const now = Date.now();
    if (cached !== undefined && cached.expires > now) return cached.projectId;
    let record: ApiKeyRecord | null;
    try {
      record = await lookup(secret);
    } catch (error) {
      throw new HttpError(
        503,
        "key_store_unavailable",
        "ingest keys cannot be checked right now; retry later",
        {
          headers: { "Retry-After": "5" },
          cause: error,
        },
      );
    }
    const projectId = record !== null && record.scope === "ingest" ? record.projectId : null;
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(cacheKey, { projectId, expires: now + config.cacheTtlMs });
    return projectId;
  }

  return {
    async projectFor(headers) {
      if (config.mode === "none") return config.defaultProjectId;
      const secret = keyFromHeaders(headers);
      if (secret === undefined) {
        throw new HttpError(
          401,
          "missing_key",
          "missing ingest key: send Authorization: Bearer <key> or x-genledger-key: <key>",
          { headers: { "WWW-Authenticate": 'Bearer realm="genledger"' } },
        );
      }
      const hash = digest(secret);
      for (const key of statics) if (timingSafeEqual(key.digest, hash)) return key.projectId;
      const projectId = await fromStore(secret, hash);
      if (projectId === null) {
        throw new HttpError(
          401,
          "invalid_key",
          "invalid ingest key (unknown, revoked, or not an ingest-scope key)",
          {
            headers: { "WWW-Authenticate": 'Bearer realm="genledger", error="invalid_token"' },
          },
        );
      }
      return projectId;
    },
  };
}
