import { formatUsd, type KvStore } from "@genledger/core";
import type { LanguageModelMiddleware } from "ai";
import { peekContext } from "./context.ts";
import { errorMessage } from "./log.ts";
import { pricerAndLog } from "./runtime.ts";
import { currentCall, type FinishedGeneration, shared } from "./shared.ts";

/** What a budget limits: one user, one model, one function (feature), or all spend. */
export type BudgetScope = { userId: string } | { model: string } | { functionId: string } | "all";

/** A spend limit per period. */
export interface Budget {
  /** Shown in warnings and errors. Default: the scope. */
  name?: string;
  scope: BudgetScope;
  /** Calendar period in UTC. */
  period: "day" | "month";
  /** Limit in nano-dollars (1e-9 USD). */
  limitNanos: number;
  /** `soft`: the call runs and its record carries a warning. `hard`: the call is refused before the provider is called. */
  mode: "soft" | "hard";
}

/** Options of {@link budgetGuard}. */
export interface BudgetGuardOptions {
  /** Where live spend counters live: share one store between processes (Redis, Upstash) for a shared limit. */
  store: KvStore;
  /** The budgets, or a function returning them (the dashboard's budgets, say), re-read every `refreshSeconds`. */
  budgets: Budget[] | (() => Budget[] | Promise<Budget[]>);
  /** How long budgets from a function are reused, in seconds. Default 30. */
  refreshSeconds?: number;
  /** Prefix of the counter keys. Default `genledger:`. */
  keyPrefix?: string;
  /** Longest wait for the store before a check gives up and lets the call through, in ms. Default 500. */
  timeoutMs?: number;
}

/** Thrown before the provider is called when a hard budget is spent. */
export class BudgetExceededError extends Error {
  readonly budget: Budget;
  /** Spend in the budget's current period, nano-dollars. */
  readonly spendNanos: number;
  readonly limitNanos: number;

  constructor(budget: Budget, spendNanos: number) {
    super(
      `genledger: budget "${budgetName(budget)}" exceeded: ${formatUsd(spendNanos)} spent of ${formatUsd(budget.limitNanos)} this ${budget.period}`,
    );
    this.name = "BudgetExceededError";
    this.budget = budget;
    this.spendNanos = spendNanos;
    this.limitNanos = budget.limitNanos;
  }
}

/** A readable name for a budget: its own, or its scope. */
export function budgetName(budget: Budget): string {
  if (budget.name) return budget.name;
  const scope = budget.scope;
  if (scope === "all") return `all ${budget.period}`;
  if ("userId" in scope) return `user ${scope.userId} ${budget.period}`;
  if ("model" in scope) return `model ${scope.model} ${budget.period}`;
  return `function ${scope.functionId} ${budget.period}`;
}

type Dimension = "all" | "user" | "model" | "function";

/** The period a date falls in, UTC: `2026-11-26` or `2026-11`. */
export function periodKey(period: Budget["period"], at: Date): string {
  const iso = at.toISOString();
  return period === "day" ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** The counter key of one dimension value in one period. */
export function spendKey(
  prefix: string,
  period: Budget["period"],
  at: Date,
  dimension: Dimension,
  value: string,
): string {
  return `${prefix}spend:${period}:${periodKey(period, at)}:${dimension}:${encodeURIComponent(value)}`;
}

// Counters outlive their period a little, then expire by themselves.
const TTL: Record<Budget["period"], number> = { day: 3 * 86_400, month: 35 * 86_400 };

function scopeOf(budget: Budget): [Dimension, string] {
  const scope = budget.scope;
  if (scope === "all") return ["all", "*"];
  if ("userId" in scope) return ["user", scope.userId];
  if ("model" in scope) return ["model", scope.model];
  return ["function", scope.functionId];
}

/**
 * Adds a finished generation's cost to every counter it belongs to (all, its user, model and
 * function; per day and per month). One recorder per store and prefix, however many guards use it.
 */
function registerRecorder(store: KvStore, prefix: string): void {
  const recorders = shared().spendRecorders;
  const prefixes = recorders.get(store) ?? new Set<string>();
  if (prefixes.has(prefix)) return;
  prefixes.add(prefix);
  recorders.set(store, prefixes);
  shared().finishListeners.add(async (generation: FinishedGeneration) => {
    if (!generation.costNanos) return;
    const dims: Array<[Dimension, string | undefined]> = [
      ["all", "*"],
      ["user", generation.userId],
      ["model", generation.model],
      ["function", generation.functionId],
    ];
    const writes: Promise<number>[] = [];
    for (const period of ["day", "month"] as const) {
      for (const [dimension, value] of dims) {
        if (!value) continue;
        writes.push(
          store.incrBy(
            spendKey(prefix, period, generation.finishedAt, dimension, value),
            generation.costNanos,
            {
              ttlSeconds: TTL[period],
            },
          ),
        );
      }
    }
    await Promise.all(writes);
  });
}

function matches(budget: Budget, call: { userId?: string; model: string; functionId?: string }): boolean {
  const scope = budget.scope;
  if (scope === "all") return true;
  if ("userId" in scope) return call.userId === scope.userId;
  if ("model" in scope) return call.model === scope.model;
  return call.functionId === scope.functionId;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the store did not answer within ${ms} ms`)), ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Language-model middleware enforcing spend budgets before each provider call. Spend is read from
 * live counters the instrumentation keeps in `store` as generations finish (at their call-time
 * cost), so the guard needs the instrumentation running. A spent hard budget throws a
 * {@link BudgetExceededError} before the provider is called; a spent soft budget adds a warning
 * to the generation (`genledger.warnings`). No matching budget: never blocks, no store read. A
 * store that fails or is slow lets the call through (logged once).
 *
 * @example
 * const guarded = wrapLanguageModel({ model, middleware: budgetGuard({ store, budgets: [
 *   { scope: { userId: "u_42" }, period: "day", limitNanos: 2_000_000_000, mode: "hard" },
 * ] }) });
 */
export function budgetGuard(options: BudgetGuardOptions): LanguageModelMiddleware {
  const prefix = options.keyPrefix ?? "genledger:";
  const timeoutMs = options.timeoutMs ?? 500;
  const refreshMs = (options.refreshSeconds ?? 30) * 1000;
  registerRecorder(options.store, prefix);

  let cached: { budgets: Budget[]; at: number } | undefined;
  const load = async (): Promise<Budget[]> => {
    if (Array.isArray(options.budgets)) return options.budgets;
    if (cached && Date.now() - cached.at < refreshMs) return cached.budgets;
    try {
      const budgets = await options.budgets();
      cached = { budgets: Array.isArray(budgets) ? budgets : [], at: Date.now() };
    } catch (error) {
      pricerAndLog().log.once(
        "budgets-load",
        "warn",
        `budgetGuard: could not load budgets, keeping the last ones: ${errorMessage(error)}`,
      );
      cached = { budgets: cached?.budgets ?? [], at: Date.now() };
    }
    return cached.budgets;
  };

  const check = async (model: { modelId: string }): Promise<void> => {
    const budgets = await load();
    if (budgets.length === 0) return;
    const call = currentCall();
    const context = peekContext();
    const who = {
      userId: call ? call.userId : context.userId,
      functionId: call ? call.functionId : context.functionId,
      model: call?.modelId || model.modelId,
    };
    const applicable = budgets.filter((b) => matches(b, who));
    if (applicable.length === 0) return;
    const now = new Date();
    let spends: Array<string | null>;
    try {
      spends = await withTimeout(
        Promise.all(applicable.map((b) => options.store.get(spendKey(prefix, b.period, now, ...scopeOf(b))))),
        timeoutMs,
      );
    } catch (error) {
      pricerAndLog().log.once(
        "budgets-read",
        "warn",
        `budgetGuard: spend unknown, letting calls through: ${errorMessage(error)}`,
      );
      return;
    }
    for (const [i, budget] of applicable.entries()) {
      const spend = Number(spends[i] ?? 0);
      if (!(spend >= budget.limitNanos)) continue;
      if (budget.mode === "hard") throw new BudgetExceededError(budget, spend);
      call?.warnings.push(
        `budget: "${budgetName(budget)}" exceeded (${formatUsd(spend)} of ${formatUsd(budget.limitNanos)}, soft limit)`,
      );
    }
  };

  return {
    specificationVersion: "v4",
    async wrapGenerate({ doGenerate, model }) {
      await check(model);
      return doGenerate();
    },
    async wrapStream({ doStream, model }) {
      await check(model);
      return doStream();
    },
  };
}
