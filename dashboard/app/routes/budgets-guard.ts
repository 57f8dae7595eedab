import { listBudgets, toGuardBudgets } from "@genledger/clickhouse";
import { servicesContext } from "../context.ts";
import { API_HEADERS } from "../lib/api.server.ts";
import { requireAccess } from "../lib/auth.server.ts";
import type { Route } from "./+types/budgets-guard";

/**
 * `GET /api/v1/budgets`: the dashboard's budgets as `budgetGuard` takes them (`guard`), so a service
 * enforces the hard ones before each call; `skipped` lists the alert-only ones the guard cannot
 * count (weekly, per tag). Session or read-scoped key.
 * @example budgetGuard({ store, budgets: async () => (await (await fetch(url, { headers })).json()).guard })
 */
export async function loader({ context }: Route.LoaderArgs) {
  const access = requireAccess(context);
  const services = context.get(servicesContext);
  const budgets = await listBudgets(services.store, { projectId: access.projectId });
  return Response.json(toGuardBudgets(budgets), { headers: API_HEADERS });
}
