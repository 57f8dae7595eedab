import { listGenerations } from "@genledger/clickhouse";
import { servicesContext } from "../context.ts";
import { API_HEADERS } from "../lib/api.server.ts";
import { requireAccess } from "../lib/auth.server.ts";
import { FilterError, parseGenerationFilter } from "../lib/filters.server.ts";
import { jsonError } from "../lib/http.server.ts";
import { redactSummary } from "../lib/redact.server.ts";
import type { Route } from "./+types/api-generations";

/**
 * `GET /api/v1/generations?user=&model=&status=&function=&tag=&range=&from=&to=&minCost=&maxCost=&q=&sort=&limit=&cursor=`:
 * `{ items, nextCursor }`, the same filters as the Generations page. Previews are empty for roles without text access.
 */
export async function loader({ context, url }: Route.LoaderArgs) {
  const access = requireAccess(context);
  const services = context.get(servicesContext);
  try {
    const { filter } = parseGenerationFilter(url.searchParams, access, { limit: 100, maxLimit: 1000 });
    const { items, nextCursor } = await listGenerations(services.store, filter);
    const shaped = items.map((item) => {
      const visible = access.text ? item : redactSummary(item);
      return {
        ...visible,
        startedAt: item.startedAt.toISOString(),
        finishedAt: item.finishedAt?.toISOString() ?? null,
        textHidden: !access.text,
      };
    });
    return Response.json({ items: shaped, nextCursor }, { headers: API_HEADERS });
  } catch (error) {
    if (error instanceof FilterError) return jsonError(400, error.message, API_HEADERS);
    throw error;
  }
}
