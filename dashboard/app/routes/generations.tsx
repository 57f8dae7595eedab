import { Form, Link, useNavigation } from "react-router";
import { EmptyState, InstallHint } from "../components/empty-state.tsx";
import { GenerationTable } from "../components/generation-table.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import { FilterError, type FilterValues, parseGenerationFilter } from "../lib/filters.server.ts";
import { loadGenerationRows } from "../lib/generation-rows.server.ts";
import type { Route } from "./+types/generations";

export const meta: Route.MetaFunction = () => [{ title: "Generations - genledger" }];

export async function loader({ context, url }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const filtered = [...url.searchParams.keys()].some((key) => key !== "cursor" && key !== "sort");
  try {
    const { filter, values } = parseGenerationFilter(url.searchParams, access, { limit: 50, maxLimit: 200 });
    const { rows, nextCursor } = await loadGenerationRows(services, filter, access);
    return { rows, nextCursor, values, error: null, filtered, canSearchText: access.text };
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    const values: FilterValues = {};
    return { rows: [], nextCursor: null, values, error: error.message, filtered, canSearchText: access.text };
  }
}

function pageLink(search: URLSearchParams, cursor: string | null): string {
  const next = new URLSearchParams(search);
  if (cursor) next.set("cursor", cursor);
  else next.delete("cursor");
  const query = next.toString();
  return query ? `?${query}` : "?";
}

export default function Generations({ loaderData }: Route.ComponentProps) {
  const { rows, nextCursor, values, error, filtered, canSearchText } = loaderData;
  const navigation = useNavigation();
  const search = new URLSearchParams(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  return (
    <>
      <PageHeader
        title="Generations"
        subtitle="Every AI SDK call, newest first. Filters are in the address, so a filtered view can be shared."
      >
        <Form method="get" action="/go" className="inline-form">
          <input
            name="id"
            placeholder="Paste a generation ID or link"
            aria-label="Generation ID"
            className="mono"
            size={30}
          />
          <button type="submit">Open</button>
        </Form>
      </PageHeader>

      <section className="panel">
        <Form method="get" className="filters" aria-label="Filters">
          <label className="field">
            User
            <input name="user" defaultValue={values.user} placeholder="user id" />
          </label>
          <label className="field">
            Model
            <input name="model" defaultValue={values.model} placeholder="gpt-4o" />
          </label>
          <label className="field">
            Status
            <select name="status" defaultValue={values.status ?? ""}>
              <option value="">any</option>
              <option value="complete">complete</option>
              <option value="pending">pending</option>
              <option value="error">error</option>
              <option value="aborted">aborted</option>
              <option value="abandoned">abandoned</option>
            </select>
          </label>
          <label className="field">
            Function
            <input name="function" defaultValue={values.function} />
          </label>
          <label className="field">
            Tag
            <input name="tag" defaultValue={values.tag} />
          </label>
          <label className="field">
            Time
            <select name="range" defaultValue={values.range ?? ""}>
              <option value="">all time</option>
              <option value="1h">last hour</option>
              <option value="24h">last 24 hours</option>
              <option value="7d">last 7 days</option>
              <option value="30d">last 30 days</option>
            </select>
          </label>
          <label className="field">
            From (UTC)
            <input name="from" type="datetime-local" defaultValue={values.from} />
          </label>
          <label className="field">
            To (UTC)
            <input name="to" type="datetime-local" defaultValue={values.to} />
          </label>
          <label className="field">
            Min cost ($)
            <input name="minCost" inputMode="decimal" defaultValue={values.minCost} placeholder="0.01" />
          </label>
          <label className="field">
            Max cost ($)
            <input name="maxCost" inputMode="decimal" defaultValue={values.maxCost} />
          </label>
          {canSearchText ? (
            <label className="field">
              Text in prompt or output
              <input name="q" type="search" defaultValue={values.q} />
            </label>
          ) : null}
          <label className="field">
            Sort
            <select name="sort" defaultValue={values.sort ?? "newest"}>
              <option value="newest">newest first</option>
              <option value="oldest">oldest first</option>
              <option value="cost">highest cost</option>
              <option value="latency">slowest</option>
            </select>
          </label>
          <div className="actions">
            <button type="submit">Apply</button>
            <Link to="/generations" className="button secondary">
              Clear
            </Link>
          </div>
        </Form>
      </section>

      {error ? (
        <div className="notice bad" role="alert">
          {error}
        </div>
      ) : null}

      {rows.length === 0 && !error ? (
        filtered || values.cursor ? (
          <EmptyState title="No generation matches these filters">
            <p>
              Widen the time range or remove a filter. <Link to="/generations">Clear all filters</Link>.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No generations yet">
            <InstallHint />
          </EmptyState>
        )
      ) : null}

      {rows.length > 0 ? (
        <div style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
          <GenerationTable rows={rows} showPreview={canSearchText} />
          <div className="actions" style={{ marginTop: 12 }}>
            {values.cursor ? (
              <Link className="button secondary" to={pageLink(search, null)}>
                First page
              </Link>
            ) : null}
            {nextCursor ? (
              <Link className="button secondary" to={pageLink(search, nextCursor)} data-testid="next-page">
                Next page
              </Link>
            ) : (
              <span className="muted">End of the list.</span>
            )}
          </div>
        </div>
      ) : null}
    </>
  );
}
