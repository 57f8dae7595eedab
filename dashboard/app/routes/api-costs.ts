import { CostParamError, costReport, costReportJson, parseCostQuery } from "@genledger/clickhouse";
import { servicesContext } from "../context.ts";
import { API_HEADERS } from "../lib/api.server.ts";
import { requireAccess } from "../lib/auth.server.ts";
import { jsonError } from "../lib/http.server.ts";
import type { Route } from "./+types/api-costs";

/**
 * `GET /api/v1/costs?group_by=model|user|function|tag|provider&from=&to=&range=&granularity=&model=&user=&function=&tag=`:
 * spend per time bucket and group (`rows`), per group with the previous period (`groups`, `movers`),
 * totals, token mix, models without a price (`unpriced`) and calls that reported no usage (`noUsage`).
 * Money is nano-dollars as decimal strings. Session or read-scoped key.
 */
export async function loader({ context, url }: Route.LoaderArgs) {
  const access = requireAccess(context);
  const services = context.get(servicesContext);
  try {
    const query = parseCostQuery(url.searchParams, { projectId: access.projectId });
    const report = await costReport(services.store, query);
    return Response.json(costReportJson(report), { headers: API_HEADERS });
  } catch (error) {
    if (error instanceof CostParamError) return jsonError(400, error.message, API_HEADERS);
    throw error;
  }
}
