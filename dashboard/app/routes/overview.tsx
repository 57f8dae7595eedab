import { listGenerations, spendRollup } from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import { Link } from "react-router";
import { EmptyState, InstallHint } from "../components/empty-state.tsx";
import { GenerationTable } from "../components/generation-table.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { SpendChart } from "../components/spend-chart.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import { formatCount } from "../lib/format.ts";
import { loadGenerationRows } from "../lib/generation-rows.server.ts";
import { dailyPoints, daysAgo, endOfToday, groupTotals, sumRows } from "../lib/rollups.server.ts";
import type { Route } from "./+types/overview";

export const meta: Route.MetaFunction = () => [{ title: "Overview - genledger" }];

export async function loader({ context }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const now = new Date();
  const from = daysAgo(29, now);
  // Whole days: the daily rollups answer (see endOfToday).
  const to = endOfToday(now);
  const projectId = access.projectId;
  const [daily, byModel, lastDay, latest] = await Promise.all([
    spendRollup(services.store, { projectId, from, to, bucket: "day", groupBy: ["status"] }),
    spendRollup(services.store, { projectId, from, to, bucket: "month", groupBy: ["model"] }),
    spendRollup(services.store, {
      projectId,
      from: new Date(now.getTime() - 86_400_000),
      to: now,
      bucket: "hour",
      groupBy: ["status", "user"],
    }),
    loadGenerationRows(services, { projectId, limit: 8, sort: "newest" }, access),
  ]);
  const month = sumRows(daily);
  const week = sumRows(daily.filter((row) => new Date(row.bucket) >= daysAgo(6, now)));
  const day = sumRows(lastDay);
  const errors = sumRows(lastDay.filter((row) => row.status === "error")).requests;
  const users = new Set(lastDay.map((row) => row.user).filter(Boolean)).size;
  const pending = (await listGenerations(services.store, { projectId, status: "pending", limit: 100 })).items
    .length;
  return {
    stats: {
      spendDay: formatUsd(day.costNanos, 2),
      spendWeek: formatUsd(week.costNanos, 2),
      spendMonth: formatUsd(month.costNanos, 2),
      requestsDay: day.requests,
      errorRateDay: day.requests > 0 ? `${((errors / day.requests) * 100).toFixed(1)}%` : "-",
      usersDay: users,
      unpricedMonth: month.unpricedRequests,
      savedMonth: formatUsd(month.savedNanos, 2),
      cacheHitsMonth: month.cacheHits,
      pending,
    },
    points: dailyPoints(daily, from, now),
    models: groupTotals(byModel, (row) => row.model ?? "")
      .slice(0, 8)
      .map((m) => ({
        model: m.key,
        requests: m.requests,
        cost: formatUsd(m.costNanos, 4),
        unpriced: m.unpricedRequests,
      })),
    latest: latest.rows,
    showPreview: access.text,
  };
}

function Stat({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: string | number;
  sub?: string;
  testId?: string;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value">{typeof value === "number" ? formatCount(value) : value}</div>
      {sub ? <div className="sub">{sub}</div> : null}
    </div>
  );
}

export default function Overview({ loaderData }: Route.ComponentProps) {
  const { stats, points, models, latest, showPreview } = loaderData;
  if (latest.length === 0) {
    return (
      <>
        <PageHeader title="Overview" />
        <EmptyState title="No generations yet">
          <InstallHint />
        </EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Overview" subtitle="Spend and traffic across all generations. Times are UTC." />
      <div className="stats">
        <Stat label="Spend, last 24 hours" value={stats.spendDay} testId="stat-spend-day" />
        <Stat label="Spend, last 7 days" value={stats.spendWeek} />
        <Stat label="Spend, last 30 days" value={stats.spendMonth} />
        <Stat label="Requests, last 24 hours" value={stats.requestsDay} sub={`${stats.usersDay} users`} />
        <Stat label="Error rate, last 24 hours" value={stats.errorRateDay} />
        <Stat
          label="Running now"
          value={stats.pending}
          sub={stats.pending >= 100 ? "100 or more" : undefined}
        />
        <Stat
          label="Unpriced, last 30 days"
          value={stats.unpricedMonth}
          sub={
            stats.unpricedMonth > 0
              ? "cost unknown: no price entry or no usage reported"
              : "every call priced"
          }
        />
        <Stat
          label="Saved by cache, 30 days"
          value={stats.savedMonth}
          sub={`${formatCount(stats.cacheHitsMonth)} cache hits`}
        />
      </div>
      <div className="grid two">
        <section className="panel">
          <h2>Spend per day, last 30 days</h2>
          <SpendChart points={points} testId="spend-chart" />
        </section>
        <section className="panel">
          <h2>Top models, last 30 days</h2>
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
                  <td className="mono">
                    <Link to={`/generations?model=${encodeURIComponent(m.model)}`}>
                      {m.model || "(none)"}
                    </Link>
                  </td>
                  <td className="num">{formatCount(m.requests)}</td>
                  <td className="num">
                    {m.cost}
                    {m.unpriced > 0 ? <span className="badge unpriced"> +{m.unpriced} unpriced</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section>
        <div className="page-header" style={{ marginTop: 8 }}>
          <h2>Latest generations</h2>
          <Link to="/generations">All generations</Link>
        </div>
        <GenerationTable rows={latest} showPreview={showPreview} />
      </section>
    </>
  );
}
