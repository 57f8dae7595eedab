import { randomUUID } from "node:crypto";
import type { KvStore } from "@genledger/core";

/** Default KvStore key of the alert evaluator's leader lock. */
export const LEADER_KEY = "genledger:alerts:leader";

/** A lease held through the key-value store: at most one holder until its TTL lapses. */
export interface LeaderLock {
  /** This process's owner token. */
  readonly owner: string;
  /** Takes the lease, or renews it when already held. True when this process is the leader now. */
  acquire(): Promise<boolean>;
  /** Gives the lease up (only if still held), so another process can take over at once. */
  release(): Promise<void>;
}

/** Options of {@link createLeaderLock}. */
export interface LeaderLockOptions {
  kv: Pick<KvStore, "get" | "set" | "del">;
  key?: string;
  owner?: string;
  /** Lease length. Choose a few evaluation intervals, so one slow cycle does not lose it. Default 180 s. */
  ttlSeconds?: number;
}

/**
 * A leader lock on the core `KvStore`: `set(key, owner, { nx, ttlSeconds })` takes a free lease,
 * and the holder renews it each cycle. The store has no compare-and-set, so renewal is
 * get-then-set: if the lease expired in between, two holders may overlap for one cycle, which the
 * alert cooldown (recorded firings) absorbs. A crashed leader is replaced after `ttlSeconds`.
 */
export function createLeaderLock(options: LeaderLockOptions): LeaderLock {
  const { kv } = options;
  const key = options.key ?? LEADER_KEY;
  const owner = options.owner ?? `${process.pid}-${randomUUID()}`;
  const ttlSeconds = options.ttlSeconds ?? 180;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`leader lock ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  return {
    owner,
    async acquire() {
      if (await kv.set(key, owner, { nx: true, ttlSeconds })) return true;
      if ((await kv.get(key)) !== owner) return false;
      await kv.set(key, owner, { ttlSeconds });
      return true;
    },
    async release() {
      if ((await kv.get(key)) === owner) await kv.del(key);
    },
  };
}
