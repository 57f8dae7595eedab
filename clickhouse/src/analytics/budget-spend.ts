import { z } from "zod";
import type { Params } from "../sql.ts";
import { type Budget, type BudgetStatus, budgetPeriodBounds, budgetStatus } from "./budget.ts";
import { type AnalyticsStore, chTime, selectRows } from "./sql.ts";

const COLUMN: Record<Exclude<Budget["scope"], "all">, string> = {
  user: "user_id",
  model: "model",
  function: "function_id",
  tag: "tag",
};

/**
 * Known spend of each budget in its UTC period containing `now` (by budget ID), from the narrow
 * rollups: by model/function (hourly) for scopes all/model/function, per user (daily) for users,
 * per tag (hourly) for tags. Periods start on whole days, so the tables cover them exactly, the
 * current partial day or hour included.
 */
export async function budgetSpend(
  store: AnalyticsStore,
  budgets: readonly Budget[],
  now: Date = new Date(),
): Promise<Map<string, bigint>> {
  const spend = new Map<string, bigint>(budgets.map((b) => [b.id, 0n]));
  // The narrow rollups (migration 0024): small, and each has the one dimension a scope needs.
  for (const [group, table, time] of [
    [
      budgets.filter((b) => b.scope === "all" || b.scope === "model" || b.scope === "function"),
      "generation_rollups_dims_hourly",
      "hour",
    ],
    [budgets.filter((b) => b.scope === "user"), "generation_rollups_users_daily", "day"],
    [budgets.filter((b) => b.scope === "tag"), "generation_rollups_tags_hourly", "hour"],
  ] as const) {
    // One pass over the table per kind, one sumIf per budget (budgets are few).
    for (let offset = 0; offset < group.length; offset += 100) {
      const chunk = group.slice(offset, offset + 100);
      const params: Params = {};
      let lo = Number.POSITIVE_INFINITY;
      let hi = 0;
      const columns = chunk.map((b, i) => {
        const { start, end } = budgetPeriodBounds(b.period, now);
        lo = Math.min(lo, start.getTime());
        hi = Math.max(hi, end.getTime());
        params[`p${i}`] = b.projectId;
        params[`s${i}`] = chTime(start);
        params[`e${i}`] = chTime(end);
        const conds = [
          `project_id = {p${i}:String}`,
          `${time} >= {s${i}:DateTime64(3, 'UTC')}`,
          `${time} < {e${i}:DateTime64(3, 'UTC')}`,
        ];
        if (b.scope !== "all") {
          params[`v${i}`] = b.scopeValue;
          conds.push(`${COLUMN[b.scope]} = {v${i}:String}`);
        }
        return `toString(sumIf(toUInt128(cost_total), ${conds.join(" AND ")})) AS b${i}`;
      });
      if (columns.length === 0) continue;
      params.lo = chTime(new Date(lo));
      params.hi = chTime(new Date(hi));
      const Row = z.object(
        Object.fromEntries(chunk.map((_, i) => [`b${i}`, z.string().regex(/^\d+$/).transform(BigInt)])),
      );
      const [row] = await selectRows(
        store,
        `SELECT ${columns.join(", ")} FROM ${table}
         WHERE ${time} >= {lo:DateTime64(3, 'UTC')} AND ${time} < {hi:DateTime64(3, 'UTC')}`,
        Row,
        params,
      );
      chunk.forEach((b, i) => {
        spend.set(b.id, (row?.[`b${i}`] as bigint | undefined) ?? 0n);
      });
    }
  }
  return spend;
}

/** Each budget with its status and forecast at `now`. */
export async function budgetStatuses(
  store: AnalyticsStore,
  budgets: readonly Budget[],
  now: Date = new Date(),
): Promise<Array<{ budget: Budget; status: BudgetStatus }>> {
  const spend = await budgetSpend(store, budgets, now);
  return budgets.map((budget) => ({ budget, status: budgetStatus(budget, spend.get(budget.id) ?? 0n, now) }));
}
