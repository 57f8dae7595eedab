import type { Budget, BudgetPeriod, BudgetScope } from "@genledger/clickhouse";
import type { KvStore } from "@genledger/core";

/**
 * Live budget counters, the ones the instrumentation's `budgetGuard` keeps (instrumentation/src/budget.ts):
 * integer nano-dollars per period and scope, added with `incrBy` as generations finish.
 *
 * Key: `<prefix>spend:<period>:<periodKey>:<dimension>:<value>` with prefix `genledger:` by default,
 * period `day` (periodKey `YYYY-MM-DD`) or `month` (`YYYY-MM`), UTC; dimension `all` (value `*`),
 * `user`, `model` or `function` (value URI-encoded). Example: `genledger:spend:day:2026-05-01:user:alice%40x.com`.
 * Week and tag budgets have no live counter (the guard does not keep one).
 *
 * The alert evaluator sets each counter to the ClickHouse total of its period every cycle, so lost
 * increments, crashes or double counts never accumulate.
 */
export const DEFAULT_COUNTER_PREFIX = "genledger:";

/** Seconds a counter lives, as the guard sets it (a little past its period). */
const TTL: Record<"day" | "month", number> = { day: 3 * 86_400, month: 35 * 86_400 };

const DIMENSION: Record<BudgetScope, string | null> = {
  all: "all",
  user: "user",
  model: "model",
  function: "function",
  tag: null,
};

/** The counter key of a scope in the period containing `at`; null when the guard keeps no such counter. */
export function budgetCounterKey(input: {
  period: BudgetPeriod;
  scope: BudgetScope;
  scopeValue: string;
  at: Date;
  prefix?: string;
}): string | null {
  const dimension = DIMENSION[input.scope];
  if (dimension === null || input.period === "week") return null;
  const iso = input.at.toISOString();
  const periodKey = input.period === "day" ? iso.slice(0, 10) : iso.slice(0, 7);
  const value = input.scope === "all" ? "*" : input.scopeValue;
  return `${input.prefix ?? DEFAULT_COUNTER_PREFIX}spend:${input.period}:${periodKey}:${dimension}:${encodeURIComponent(value)}`;
}

/**
 * Sets each budget's live counter to the ClickHouse total of its current period. Applied as a
 * delta (`incrBy(truth - current)`), so increments that land between the read and the write are
 * kept. Budgets sharing a scope and period share one counter. Returns the number of counters changed.
 * `prefix` may depend on the project, for several projects sharing one store (the guard's `keyPrefix`).
 */
export async function reconcileBudgetCounters(
  kv: Pick<KvStore, "get" | "set" | "incrBy">,
  budgets: readonly Budget[],
  spend: ReadonlyMap<string, bigint>,
  now: Date,
  prefix: string | ((projectId: string) => string) = DEFAULT_COUNTER_PREFIX,
): Promise<number> {
  const truth = new Map<string, { nanos: bigint; ttl: number }>();
  for (const b of budgets) {
    const key = budgetCounterKey({
      period: b.period,
      scope: b.scope,
      scopeValue: b.scopeValue,
      at: now,
      prefix: typeof prefix === "function" ? prefix(b.projectId) : prefix,
    });
    if (key === null || b.period === "week") continue;
    truth.set(key, { nanos: spend.get(b.id) ?? 0n, ttl: TTL[b.period] });
  }
  let changed = 0;
  for (const [key, { nanos, ttl }] of truth) {
    const raw = await kv.get(key);
    const current = raw !== null && /^-?\d+$/.test(raw) ? BigInt(raw) : null;
    if (current === nanos) continue;
    if (current === null) await kv.set(key, nanos.toString(), { ttlSeconds: ttl });
    else await kv.incrBy(key, Number(nanos - current), { ttlSeconds: ttl });
    changed++;
  }
  return changed;
}
