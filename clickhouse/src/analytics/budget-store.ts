import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Budget, type BudgetInput, validateBudgetInput } from "./budget.ts";
import { type AnalyticsStore, big, chTime, insertRows, nextVersion, parseChTime, selectRows } from "./sql.ts";

const BudgetRow = z.object({
  project_id: z.string(),
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  scope_value: z.string(),
  period: z.string(),
  amount_nanos: z.union([z.string(), z.number()]),
  thresholds: z.array(z.coerce.number()),
  enforcement: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
type BudgetRow = z.infer<typeof BudgetRow>;

function fromRow(r: BudgetRow): Budget {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    scope: r.scope as Budget["scope"],
    scopeValue: r.scope_value,
    period: r.period as Budget["period"],
    amountNanos: big(r.amount_nanos),
    thresholds: r.thresholds.map(Number),
    enforcement: r.enforcement as Budget["enforcement"],
    createdBy: r.created_by,
    createdAt: parseChTime(r.created_at),
    updatedAt: parseChTime(r.updated_at),
  };
}

function toRow(b: Budget, actor: string, deleted: boolean, now: Date): Record<string, unknown> {
  return {
    project_id: b.projectId,
    id: b.id,
    name: b.name,
    scope: b.scope,
    scope_value: b.scopeValue,
    period: b.period,
    amount_nanos: b.amountNanos.toString(),
    thresholds: b.thresholds,
    enforcement: b.enforcement,
    created_by: b.createdBy,
    created_at: chTime(b.createdAt),
    updated_by: actor,
    updated_at: chTime(b.updatedAt),
    deleted: deleted ? 1 : 0,
    version: nextVersion(now).toString(),
  };
}

/** Budgets of one project (or all projects), newest first. */
export async function listBudgets(
  store: AnalyticsStore,
  filter: { projectId?: string } = {},
): Promise<Budget[]> {
  const rows = await selectRows(
    store,
    `SELECT project_id, id, name, scope, scope_value, period, amount_nanos, thresholds, enforcement, created_by, created_at, updated_at FROM budgets FINAL
     WHERE ({projectId:String} = '' OR project_id = {projectId:String})
     ORDER BY created_at DESC, id`,
    BudgetRow,
    { projectId: filter.projectId ?? "" },
  );
  return rows.map(fromRow);
}

/** One budget, or null. */
export async function getBudget(
  store: AnalyticsStore,
  id: string,
  filter: { projectId?: string } = {},
): Promise<Budget | null> {
  const rows = await selectRows(
    store,
    `SELECT project_id, id, name, scope, scope_value, period, amount_nanos, thresholds, enforcement, created_by, created_at, updated_at FROM budgets FINAL
     WHERE id = {id:String} AND ({projectId:String} = '' OR project_id = {projectId:String}) LIMIT 1`,
    BudgetRow,
    { id, projectId: filter.projectId ?? "" },
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Creates a budget after validating it (throws a RangeError naming the bad field). */
export async function createBudget(
  store: AnalyticsStore,
  input: BudgetInput & { projectId: string; createdBy: string },
  now: Date = new Date(),
): Promise<Budget> {
  if (!input.projectId) throw new RangeError("budget projectId is required");
  const v = validateBudgetInput(input);
  const budget: Budget = {
    id: randomUUID(),
    projectId: input.projectId,
    ...v,
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
  };
  await insertRows(store, "budgets", [toRow(budget, input.createdBy, false, now)]);
  return budget;
}

/** Replaces a budget's fields; null when it does not exist. */
export async function updateBudget(
  store: AnalyticsStore,
  id: string,
  input: BudgetInput & { projectId?: string; updatedBy: string },
  now: Date = new Date(),
): Promise<Budget | null> {
  const current = await getBudget(store, id, { projectId: input.projectId });
  if (!current) return null;
  const v = validateBudgetInput(input);
  const budget: Budget = { ...current, ...v, updatedAt: now };
  await insertRows(store, "budgets", [toRow(budget, input.updatedBy, false, now)]);
  return budget;
}

/** Deletes a budget; false when it did not exist. */
export async function deleteBudget(
  store: AnalyticsStore,
  id: string,
  opts: { projectId?: string; deletedBy: string },
  now: Date = new Date(),
): Promise<boolean> {
  const current = await getBudget(store, id, { projectId: opts.projectId });
  if (!current) return false;
  await insertRows(store, "budgets", [toRow({ ...current, updatedAt: now }, opts.deletedBy, true, now)]);
  return true;
}
