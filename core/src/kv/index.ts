import { createMemoryKvStore } from "./memory.ts";
import { createRedisKvStore } from "./redis.ts";
import type { KvStore } from "./types.ts";
import { createUpstashKvStore } from "./upstash.ts";

export type { MemoryKvStoreOptions } from "./memory.ts";
export { createMemoryKvStore } from "./memory.ts";
export type { RedisKvStoreOptions } from "./redis.ts";
export { createRedisKvStore } from "./redis.ts";
export type { KvIncrOptions, KvSetOptions, KvStore } from "./types.ts";
export type { UpstashKvStoreOptions } from "./upstash.ts";
export { createUpstashKvStore } from "./upstash.ts";

/** Environment the factory reads when no URL is given. */
type KvEnv = Readonly<Record<string, string | undefined>>;

/**
 * Opens the key-value store a URL names. Client libraries load only when their store is used.
 * - `memory://` (the default): in this process only.
 * - `redis://[user:password@]host:port[/db]`, `rediss://...` (TLS): Redis over TCP.
 * - `upstash://`: Upstash REST with `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN`;
 *   `upstash://<token>@<host>` carries both in the URL.
 * Without a URL: `GENLEDGER_KV_URL`, else Upstash when `UPSTASH_REDIS_REST_URL` is set, else memory.
 *
 * @throws TypeError naming the URL when its scheme is unknown or Upstash credentials are missing
 * @example const kv = createKvStore("redis://localhost:6379"); await kv.incrBy("spend:day", 1200);
 */
export function createKvStore(url?: string, env: KvEnv = process.env): KvStore {
  const chosen = url || env.GENLEDGER_KV_URL || (env.UPSTASH_REDIS_REST_URL ? "upstash://" : "memory://");
  let parsed: URL;
  try {
    parsed = new URL(chosen);
  } catch {
    // The value may hold a password: name the variable, not the value.
    throw new TypeError(
      "kv: the store URL (GENLEDGER_KV_URL) is not a URL; expected memory://, redis://host:6379 or upstash://",
    );
  }
  switch (parsed.protocol) {
    case "memory:":
      return createMemoryKvStore();
    case "redis:":
    case "rediss:":
      return createRedisKvStore(chosen);
    case "upstash:": {
      const inline = parsed.hostname !== "";
      return createUpstashKvStore({
        url: inline ? `https://${parsed.host}` : (env.UPSTASH_REDIS_REST_URL ?? ""),
        token: inline ? decodeURIComponent(parsed.username) : (env.UPSTASH_REDIS_REST_TOKEN ?? ""),
      });
    }
    default:
      throw new TypeError(
        `kv: unsupported store URL scheme "${parsed.protocol}" in GENLEDGER_KV_URL; expected memory://, redis://, rediss:// or upstash://`,
      );
  }
}
