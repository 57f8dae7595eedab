import { CostParamError, costReport, costRowsCsv, parseCostQuery } from "@genledger/clickhouse";
import { servicesContext } from "../context.ts";
import { API_HEADERS } from "../lib/api.server.ts";
import { requireAccess } from "../lib/auth.server.ts";
import { jsonError } from "../lib/http.server.ts";
import type { Route } from "./+types/api-costs-csv";

/**
 * `GET /api/v1/costs.csv?...`: the same query parameters and the same numbers as `GET /api/v1/costs`,
 * one line per entry of its `rows` (bucket x group), with exact dollar amounts.
 */
export async function loader({ context, url }: Route.LoaderArgs) {
  const access = requireAccess(context);
  const services = context.get(servicesContext);
  try {
    const query = parseCostQuery(url.searchParams, { projectId: access.projectId });
    const report = await costReport(services.store, query);
    const name = `genledger-costs-${query.groupBy}-${report.from.toISOString().slice(0, 10)}-${report.to.toISOString().slice(0, 10)}.csv`;
    return new Response(costRowsCsv(report.rows, query.groupBy), {
      headers: {
        ...API_HEADERS,
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
      },
    });
  } catch (error) {
    if (error instanceof CostParamError) return jsonError(400, error.message, API_HEADERS);
    throw error;
  }
}
