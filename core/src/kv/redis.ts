import type { RedisClientType } from "redis";
import { INCR_WITH_TTL } from "./scripts.ts";
import type { KvIncrOptions, KvSetOptions, KvStore } from "./types.ts";
import { checkIncr, checkKey, checkSet, toCounter } from "./validate.ts";

/** Options of {@link createRedisKvStore}. */
export interface RedisKvStoreOptions {
  /** Connection errors (the client reconnects by itself); default: ignored, the failing command rejects. */
  onError?: (error: Error) => void;
  /** Milliseconds to wait for a connection. Default 5,000. */
  connectTimeoutMs?: number;
}

/**
 * A store on Redis over TCP (`redis://` or `rediss://` URLs), through the `redis` package, which is
 * loaded only when this store is first used. Commands fail fast while disconnected instead of
 * queueing, so a Redis outage cannot stall the callers' hot path.
 */
export function createRedisKvStore(url: string, options: RedisKvStoreOptions = {}): KvStore {
  let connecting: Promise<RedisClientType> | undefined;
  let closed = false;

  const client = (): Promise<RedisClientType> => {
    if (closed) return Promise.reject(new Error("kv: the redis store is closed"));
    connecting ??= (async () => {
      const { createClient } = await import("redis");
      const c = createClient({
        url,
        disableOfflineQueue: true,
        socket: {
          connectTimeout: options.connectTimeoutMs ?? 5_000,
          reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
        },
      }) as RedisClientType;
      // Without a listener an 'error' event would crash the process.
      c.on("error", (error: Error) => options.onError?.(error));
      try {
        await c.connect();
      } catch (error) {
        c.destroy();
        throw error;
      }
      return c;
    })();
    // A failed connection is retried on the next call instead of failing forever.
    connecting.catch(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    async get(key: string) {
      checkKey(key);
      return (await (await client()).get(key)) ?? null;
    },
    async set(key: string, value: string, opts?: KvSetOptions) {
      checkSet(key, value, opts);
      const reply = await (await client()).set(key, value, {
        ...(opts?.ttlSeconds ? { expiration: { type: "EX" as const, value: opts.ttlSeconds } } : {}),
        ...(opts?.nx ? { condition: "NX" as const } : {}),
      });
      return reply === "OK";
    },
    async incrBy(key: string, n: number, opts?: KvIncrOptions) {
      checkIncr(key, n, opts);
      const reply = await (await client()).eval(INCR_WITH_TTL, {
        keys: [key],
        arguments: [String(n), String(opts?.ttlSeconds ?? 0)],
      });
      return toCounter(key, reply);
    },
    async del(key: string) {
      checkKey(key);
      await (await client()).del(key);
    },
    async close() {
      if (closed) return;
      closed = true;
      const pending = connecting;
      connecting = undefined;
      if (!pending) return;
      const c = await pending.catch(() => undefined);
      await c?.close().catch(() => c.destroy());
    },
  };
}
