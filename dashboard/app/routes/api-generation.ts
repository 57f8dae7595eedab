import { servicesContext } from "../context.ts";
import { API_HEADERS, generationJson } from "../lib/api.server.ts";
import { requireAccess } from "../lib/auth.server.ts";
import { loadGenerationView } from "../lib/generation-view.server.ts";
import { jsonError } from "../lib/http.server.ts";
import type { Route } from "./+types/api-generation";

/**
 * `GET /api/v1/generations/:id`: the generation as JSON, with `spans`. Session cookie or
 * `Authorization: Bearer <read-scoped key>`; text fields are left out for finance and viewer members.
 */
export async function loader({ params, context }: Route.LoaderArgs) {
  const access = requireAccess(context);
  const services = context.get(servicesContext);
  const view = await loadGenerationView(services, params.id, access);
  if (!view) return jsonError(404, `No generation has the ID "${params.id}".`, API_HEADERS);
  return Response.json(
    { generation: generationJson(view.generation, !access.text), spans: view.spans },
    { headers: API_HEADERS },
  );
}
