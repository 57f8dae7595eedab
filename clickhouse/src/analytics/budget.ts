/**
 * Budgets: what one is, which period it covers at a given time, and where it stands (spend,
 * thresholds crossed, burn-rate forecast). Pure functions; the SQL lives in `budget-queries.ts`.
 */

/** What a budget counts: all spend, or one user / model / function / tag. */
export const BUDGET_SCOPES = ["all", "user", "model", "function", "tag"] as const;
/** One of {@link BUDGET_SCOPES}. */
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/** Calendar periods (UTC). Weeks start on Monday. */
export const BUDGET_PERIODS = ["day", "week", "month"] as const;
/** One of {@link BUDGET_PERIODS}. */
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** `alert`: only notify. `hard`: the instrumentation's budget guard refuses calls once exhausted. */
export const BUDGET_ENFORCEMENTS = ["alert", "hard"] as const;
/** One of {@link BUDGET_ENFORCEMENTS}. */
export type BudgetEnforcement = (typeof BUDGET_ENFORCEMENTS)[number];

/** Threshold percentages used when a budget names none. */
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [50, 80, 100];

/** A spending budget. Money in integer nano-dollars. */
export interface Budget {
  id: string;
  projectId: string;
  name: string;
  scope: BudgetScope;
  /** The user ID / model / function ID / tag the budget covers; "" for scope `all`. */
  scopeValue: string;
  period: BudgetPeriod;
  amountNanos: bigint;
  /** Ascending integer percentages of the amount that trigger an alert, e.g. [50, 80, 100]. */
  thresholds: number[];
  enforcement: BudgetEnforcement;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a caller supplies to create or edit a budget. */
export interface BudgetInput {
  name: string;
  scope: BudgetScope;
  scopeValue?: string;
  period: BudgetPeriod;
  amountNanos: bigint;
  thresholds?: number[];
  enforcement?: BudgetEnforcement;
}

/** Checks a {@link BudgetInput}; throws a RangeError naming the bad field. Returns the normalized input. */
export function validateBudgetInput(input: BudgetInput): Required<BudgetInput> {
  const name = input.name?.trim() ?? "";
  if (name.length === 0 || name.length > 200) throw new RangeError("budget name must be 1..200 characters");
  if (!BUDGET_SCOPES.includes(input.scope)) {
    throw new RangeError(`budget scope must be one of ${BUDGET_SCOPES.join(", ")}, got "${input.scope}"`);
  }
  const scopeValue = (input.scopeValue ?? "").trim();
  if (input.scope === "all" && scopeValue !== "")
    throw new RangeError('budget scopeValue must be empty for scope "all"');
  if (input.scope !== "all" && scopeValue === "") {
    throw new RangeError(`budget scopeValue is required for scope "${input.scope}"`);
  }
  if (!BUDGET_PERIODS.includes(input.period)) {
    throw new RangeError(`budget period must be one of ${BUDGET_PERIODS.join(", ")}, got "${input.period}"`);
  }
  if (typeof input.amountNanos !== "bigint" || input.amountNanos <= 0n) {
    throw new RangeError("budget amountNanos must be a positive bigint");
  }
  const thresholds = [...(input.thresholds ?? DEFAULT_BUDGET_THRESHOLDS)].sort((a, b) => a - b);
  if (thresholds.length === 0 || thresholds.length > 10)
    throw new RangeError("budget thresholds: 1..10 percentages");
  for (const t of thresholds) {
    if (!Number.isInteger(t) || t < 1 || t > 1000) {
      throw new RangeError(`budget threshold must be an integer percentage in 1..1000, got ${t}`);
    }
  }
  if (new Set(thresholds).size !== thresholds.length)
    throw new RangeError("budget thresholds must be distinct");
  const enforcement = input.enforcement ?? "alert";
  if (!BUDGET_ENFORCEMENTS.includes(enforcement)) {
    throw new RangeError(
      `budget enforcement must be one of ${BUDGET_ENFORCEMENTS.join(", ")}, got "${enforcement}"`,
    );
  }
  return {
    name,
    scope: input.scope,
    scopeValue,
    period: input.period,
    amountNanos: input.amountNanos,
    thresholds,
    enforcement,
  };
}

/** Start (inclusive) and end (exclusive) of the UTC calendar period containing `at`. */
export function budgetPeriodBounds(period: BudgetPeriod, at: Date): { start: Date; end: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  if (period === "day") return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
  if (period === "week") {
    const sinceMonday = (at.getUTCDay() + 6) % 7;
    return {
      start: new Date(Date.UTC(y, m, d - sinceMonday)),
      end: new Date(Date.UTC(y, m, d - sinceMonday + 7)),
    };
  }
  if (period === "month") return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  throw new RangeError(`unknown budget period "${String(period)}"`);
}

/** Where a budget stands at `now`. */
export interface BudgetStatus {
  periodStart: Date;
  periodEnd: Date;
  spentNanos: bigint;
  amountNanos: bigint;
  /** `amount - spent`, never below 0. */
  remainingNanos: bigint;
  /** Spend as a percentage of the amount (a float, for display and sorting only). */
  percent: number;
  /** Thresholds (percentages) the spend has reached, ascending. */
  crossedThresholds: number[];
  /** Spend extrapolated to the period end at the period's average burn rate so far. */
  projectedNanos: bigint;
  /** When the amount runs out at that rate; null when already exhausted or not before the period ends. */
  projectedExhaustionAt: Date | null;
  exhausted: boolean;
  state: "ok" | "warning" | "exceeded";
}

/**
 * Status and forecast of a budget. Burn rate = spend so far / time elapsed in the period;
 * projected = spent + rate * time remaining; exhaustion = now + (amount - spent) / rate.
 * Integer arithmetic throughout (the time math is in milliseconds).
 */
export function budgetStatus(
  budget: Pick<Budget, "amountNanos" | "thresholds" | "period">,
  spentNanos: bigint,
  now: Date,
): BudgetStatus {
  const { start, end } = budgetPeriodBounds(budget.period, now);
  const nowMs = BigInt(now.getTime());
  const elapsed = nowMs - BigInt(start.getTime());
  const remainingMs = BigInt(end.getTime()) - nowMs;
  const spent = spentNanos < 0n ? 0n : spentNanos;
  const amount = budget.amountNanos;
  const projected = elapsed > 0n ? spent + (spent * remainingMs) / elapsed : spent;
  const exhausted = spent >= amount;
  let projectedExhaustionAt: Date | null = null;
  if (!exhausted && spent > 0n && elapsed > 0n) {
    const at = nowMs + ((amount - spent) * elapsed + spent - 1n) / spent;
    if (at < BigInt(end.getTime())) projectedExhaustionAt = new Date(Number(at));
  }
  const crossed = budget.thresholds.filter((t) => spent * 100n >= amount * BigInt(t));
  const percent = amount > 0n ? Number((spent * 1_000_000n) / amount) / 10_000 : 0;
  const state = exhausted ? "exceeded" : crossed.length > 0 ? "warning" : "ok";
  return {
    periodStart: start,
    periodEnd: end,
    spentNanos: spent,
    amountNanos: amount,
    remainingNanos: exhausted ? 0n : amount - spent,
    percent,
    crossedThresholds: crossed,
    projectedNanos: projected,
    projectedExhaustionAt,
    exhausted,
    state,
  };
}

/**
 * A budget in the shape the instrumentation's `budgetGuard` takes (instrumentation/src/budget.ts):
 * its live counters exist per day and month for all spend, one user, one model or one function.
 */
export interface GuardBudget {
  name: string;
  scope: { userId: string } | { model: string } | { functionId: string } | "all";
  period: "day" | "month";
  /** Nano-dollars; a JSON number (exact up to 2^53, about 9 million USD). */
  limitNanos: number;
  /** `hard` refuses calls once spent; `soft` only adds a warning to the record. */
  mode: "soft" | "hard";
}

/**
 * The budgets a `budgetGuard` can enforce, converted; the others (weekly periods, tag scopes) come
 * back in `skipped` with the reason, since the guard keeps no counter for them.
 * @example budgetGuard({ store, budgets: async () => (await fetch(`${dashboard}/api/v1/budgets`, auth)).json().then((b) => b.guard) })
 */
export function toGuardBudgets(budgets: readonly Budget[]): {
  guard: GuardBudget[];
  skipped: Array<{ id: string; name: string; reason: string }>;
} {
  const guard: GuardBudget[] = [];
  const skipped: Array<{ id: string; name: string; reason: string }> = [];
  for (const b of budgets) {
    if (b.period === "week") {
      skipped.push({
        id: b.id,
        name: b.name,
        reason: "weekly budgets are alert-only: the guard counts per day and month",
      });
      continue;
    }
    if (b.scope === "tag") {
      skipped.push({
        id: b.id,
        name: b.name,
        reason: "tag budgets are alert-only: the guard keeps no counter per tag",
      });
      continue;
    }
    const scope: GuardBudget["scope"] =
      b.scope === "all"
        ? "all"
        : b.scope === "user"
          ? { userId: b.scopeValue }
          : b.scope === "model"
            ? { model: b.scopeValue }
            : { functionId: b.scopeValue };
    guard.push({
      name: b.name,
      scope,
      period: b.period,
      limitNanos: Number(b.amountNanos),
      mode: b.enforcement === "hard" ? "hard" : "soft",
    });
  }
  return { guard, skipped };
}
