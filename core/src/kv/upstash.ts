import type { Redis } from "@upstash/redis";
import { INCR_WITH_TTL } from "./scripts.ts";
import type { KvIncrOptions, KvSetOptions, KvStore } from "./types.ts";
import { checkIncr, checkKey, checkSet, toCounter } from "./validate.ts";

/** Where an Upstash database answers. */
export interface UpstashKvStoreOptions {
  /** REST URL (`UPSTASH_REDIS_REST_URL`), `https://<name>.upstash.io`. */
  url: string;
  /** REST token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
}

/**
 * A store on Upstash Redis over its REST API, through `@upstash/redis` (loaded on first use).
 * Values are kept as the strings given: the client's JSON auto-deserialization is turned off.
 */
export function createUpstashKvStore(options: UpstashKvStoreOptions): KvStore {
  if (!options.url) throw new TypeError("kv: Upstash needs a REST URL (UPSTASH_REDIS_REST_URL)");
  if (!options.token) throw new TypeError("kv: Upstash needs a REST token (UPSTASH_REDIS_REST_TOKEN)");
  let loading: Promise<Redis> | undefined;
  let closed = false;

  const client = (): Promise<Redis> => {
    if (closed) return Promise.reject(new Error("kv: the upstash store is closed"));
    loading ??= import("@upstash/redis").then(
      ({ Redis: UpstashRedis }) =>
        new UpstashRedis({
          url: options.url,
          token: options.token,
          automaticDeserialization: false,
          enableTelemetry: false,
          // Budget checks sit in front of provider calls: a few quick retries, not the default five.
          retry: { retries: 2, backoff: (n: number) => 50 * (n + 1) },
        }),
    );
    return loading;
  };

  return {
    async get(key: string) {
      checkKey(key);
      const value = await (await client()).get<string>(key);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key: string, value: string, opts?: KvSetOptions) {
      checkSet(key, value, opts);
      const redis = await client();
      const reply = opts?.ttlSeconds
        ? opts.nx
          ? await redis.set(key, value, { ex: opts.ttlSeconds, nx: true })
          : await redis.set(key, value, { ex: opts.ttlSeconds })
        : opts?.nx
          ? await redis.set(key, value, { nx: true })
          : await redis.set(key, value);
      return reply === "OK";
    },
    async incrBy(key: string, n: number, opts?: KvIncrOptions) {
      checkIncr(key, n, opts);
      const reply = await (await client()).eval(
        INCR_WITH_TTL,
        [key],
        [String(n), String(opts?.ttlSeconds ?? 0)],
      );
      return toCounter(key, reply);
    },
    async del(key: string) {
      checkKey(key);
      await (await client()).del(key);
    },
    async close() {
      // REST: no connection to release.
      closed = true;
    },
  };
}
