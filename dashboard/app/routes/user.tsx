import { formatUsd } from "@genledger/core";
import { Link } from "react-router";
import { EmptyState } from "../components/empty-state.tsx";
import { GenerationTable } from "../components/generation-table.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { SpendChart } from "../components/spend-chart.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import { formatCount } from "../lib/format.ts";
import { loadGenerationRows } from "../lib/generation-rows.server.ts";
import { userSpendByDay } from "../lib/queries/user-spend.server.ts";
import { dailyPoints, daysAgo, groupTotals, sumRows } from "../lib/rollups.server.ts";
import type { Route } from "./+types/user";

export const meta: Route.MetaFunction = ({ params }) => [{ title: `User ${params.id} - genledger` }];

export async function loader({ params, context }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const now = new Date();
  const from = daysAgo(29, now);
  const [rollupRows, recent] = await Promise.all([
    userSpendByDay(services.store, { projectId: access.projectId, userId: params.id, from, to: now }),
    loadGenerationRows(
      services,
      { projectId: access.projectId, userId: params.id, limit: 50, sort: "newest" },
      access,
    ),
  ]);
  const mine = rollupRows;
  const totals = sumRows(mine);
  return {
    userId: params.id,
    totals: {
      requests: totals.requests,
      cost: formatUsd(totals.costNanos, 4),
      unpriced: totals.unpricedRequests,
      tokens: totals.inputTokens + totals.outputTokens,
    },
    points: dailyPoints(mine, from, now),
    models: groupTotals(mine, (row) => row.model ?? "").map((m) => ({
      model: m.key,
      requests: m.requests,
      cost: formatUsd(m.costNanos, 4),
    })),
    recent: recent.rows,
    nextCursor: recent.nextCursor,
    showPreview: access.text,
  };
}

export default function UserPage({ loaderData }: Route.ComponentProps) {
  const { userId, totals, points, models, recent, nextCursor, showPreview } = loaderData;
  return (
    <>
      <PageHeader
        title={<span className="mono">{userId}</span>}
        subtitle="One end user: spend, models and generations (last 30 days, UTC)."
      >
        <Link className="button secondary" to={`/generations?user=${encodeURIComponent(userId)}`}>
          Filter all generations
        </Link>
      </PageHeader>
      {recent.length === 0 && totals.requests === 0 ? (
        <EmptyState title="No generations for this user">
          <p>
            Nothing was recorded with the user ID <span className="mono">{userId}</span>. Check the spelling,
            or <Link to="/users">pick a user from the list</Link>.
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="stats">
            <div className="stat">
              <div className="label">Spend, 30 days</div>
              <div className="value" data-testid="user-spend">
                {totals.cost}
              </div>
              {totals.unpriced > 0 ? <div className="sub">+{totals.unpriced} unpriced</div> : null}
            </div>
            <div className="stat">
              <div className="label">Requests, 30 days</div>
              <div className="value">{formatCount(totals.requests)}</div>
            </div>
            <div className="stat">
              <div className="label">Tokens, 30 days</div>
              <div className="value">{formatCount(totals.tokens)}</div>
            </div>
          </div>
          <div className="grid two">
            <section className="panel">
              <h2>Spend per day</h2>
              <SpendChart points={points} testId="user-spend-chart" />
            </section>
            <section className="panel">
              <h2>Models used</h2>
              <table className="data">
                <thead>
                  <tr>
                    <th>Model</th>
                    <th className="num">Requests</th>
                    <th className="num">Spend</th>
                  </tr>
                </thead>
                <tbody>
                  {models.map((m) => (
                    <tr key={m.model}>
                      <td className="mono">{m.model || "(none)"}</td>
                      <td className="num">{formatCount(m.requests)}</td>
                      <td className="num">{m.cost}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <h2>Latest generations</h2>
          <GenerationTable rows={recent} showPreview={showPreview} showUser={false} />
          {nextCursor ? (
            <p>
              <Link
                to={`/generations?user=${encodeURIComponent(userId)}&cursor=${encodeURIComponent(nextCursor)}`}
              >
                Older generations
              </Link>
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
