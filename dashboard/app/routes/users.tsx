import { spendRollup } from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import { Form, Link } from "react-router";
import { EmptyState } from "../components/empty-state.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { requireMember } from "../lib/auth.server.ts";
import { formatCount } from "../lib/format.ts";
import { daysAgo, endOfToday, groupTotals } from "../lib/rollups.server.ts";
import type { Route } from "./+types/users";

export const meta: Route.MetaFunction = () => [{ title: "Users - genledger" }];

const WINDOWS: Record<string, number> = { "7d": 6, "30d": 29, "90d": 89 };

export async function loader({ context, url }: Route.LoaderArgs) {
  requireMember(context);
  const services = context.get(servicesContext);
  const window = url.searchParams.get("window") ?? "30d";
  const days = WINDOWS[window] ?? 29;
  const now = new Date();
  const rows = await spendRollup(services.store, {
    projectId: services.projectId,
    from: daysAgo(days, now),
    to: endOfToday(now),
    bucket: "month",
    groupBy: ["user"],
  });
  const users = groupTotals(rows, (row) => row.user ?? "")
    .slice(0, 200)
    .map((u) => ({
      user: u.key,
      requests: u.requests,
      cost: formatUsd(u.costNanos, 4),
      unpriced: u.unpricedRequests,
      tokens: u.inputTokens + u.outputTokens,
    }));
  return { users, window: WINDOWS[window] !== undefined ? window : "30d" };
}

export default function Users({ loaderData }: Route.ComponentProps) {
  const { users, window } = loaderData;
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="End users of your AI features (the user ID your service sends), by spend."
      >
        <Form method="get" className="inline-form">
          <select name="window" defaultValue={window} aria-label="Time window">
            <option value="7d">last 7 days</option>
            <option value="30d">last 30 days</option>
            <option value="90d">last 90 days</option>
          </select>
          <button type="submit" className="secondary">
            Show
          </button>
        </Form>
        <Form method="get" action="/generations" className="inline-form">
          <input name="user" placeholder="Find a user ID" aria-label="User ID" />
          <button type="submit">Search</button>
        </Form>
      </PageHeader>
      {users.length === 0 ? (
        <EmptyState title="No user activity in this window">
          <p>
            Generations are attributed to a user when your service passes a user ID (the{" "}
            <code>genledger.user.id</code> attribute, set through the instrumentation's helpers). Try a longer
            window.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="users-table">
            <thead>
              <tr>
                <th>User</th>
                <th className="num">Requests</th>
                <th className="num">Tokens</th>
                <th className="num">Spend</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.user}>
                  <td>
                    {u.user ? (
                      <Link to={`/users/${encodeURIComponent(u.user)}`}>{u.user}</Link>
                    ) : (
                      <span className="muted">(no user ID)</span>
                    )}
                  </td>
                  <td className="num">{formatCount(u.requests)}</td>
                  <td className="num">{formatCount(u.tokens)}</td>
                  <td className="num">
                    {u.cost}
                    {u.unpriced > 0 ? <span className="badge unpriced"> +{u.unpriced} unpriced</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
