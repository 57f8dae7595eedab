import {
  CostParamError,
  chartSeries,
  costQueryParams,
  costReport,
  label,
  parseCostQuery,
} from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import { Form, Link, useNavigation } from "react-router";
import { EmptyState } from "../components/empty-state.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import { formatCount } from "../lib/format.ts";
import type { Route } from "./+types/costs";
import { CostChart, Stat } from "./costs-chart.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Costs - genledger" }];

function pctChange(now: bigint, before: bigint): string {
  if (before === 0n) return now === 0n ? "no change" : "new";
  const pct = (Number(now - before) / Number(before)) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
}

export async function loader({ context, url }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  let error: string | null = null;
  let query: ReturnType<typeof parseCostQuery>;
  try {
    query = parseCostQuery(url.searchParams, { projectId: access.projectId });
  } catch (e) {
    if (!(e instanceof CostParamError)) throw e;
    error = e.message;
    query = parseCostQuery(new URLSearchParams(), { projectId: access.projectId });
  }
  // The chart needs the top groups only; the API and CSV have every row.
  const report = await costReport(services.store, { ...query, rows: "top", topN: 8 });
  const series = chartSeries(report.rows, report.groups, report.buckets, 8);
  const params = costQueryParams(query);
  const hourly = query.granularity === "hour";
  const group = (g: (typeof report.groups)[number]) => ({
    key: g.group,
    label: label(g.group),
    requests: g.requests,
    tokens: g.inputTokens + g.outputTokens,
    cost: formatUsd(g.costNanos, 4),
    previous: formatUsd(g.previousCostNanos, 4),
    delta: `${g.deltaNanos >= 0n ? "+" : "-"}${formatUsd(g.deltaNanos < 0n ? -g.deltaNanos : g.deltaNanos, 4)}`,
    change: pctChange(g.costNanos, g.previousCostNanos),
    up: g.deltaNanos > 0n,
    unpriced: g.unpricedRequests,
  });
  const mixTotal = Object.values(report.tokenMix).reduce((a, b) => a + b, 0);
  return {
    error,
    values: {
      // What was counted: whole hours, or whole days with an inclusive last day.
      from: report.from.toISOString().slice(0, hourly ? 16 : 10),
      to: hourly
        ? report.to.toISOString().slice(0, 16)
        : new Date(report.to.getTime() - 1).toISOString().slice(0, 10),
      granularity: query.granularity,
      groupBy: query.groupBy,
      model: query.filter?.model ?? "",
      user: query.filter?.userId ?? "",
      function: query.filter?.functionId ?? "",
      tag: query.filter?.tag ?? "",
    },
    range: `${report.from.toISOString().slice(0, 16).replace("T", " ")} to ${report.to.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    previousRange: `${report.previousFrom.toISOString().slice(0, 10)} to ${report.previousTo.toISOString().slice(0, 10)}`,
    totals: {
      cost: formatUsd(report.totals.costNanos, 2),
      previousCost: formatUsd(report.previous.costNanos, 2),
      change: pctChange(report.totals.costNanos, report.previous.costNanos),
      requests: report.totals.requests,
      previousRequests: report.previous.requests,
      unpriced: report.totals.unpricedRequests,
      cacheHits: report.totals.cacheHits,
      saved: formatUsd(report.totals.savedNanos, 2),
      costPerRequest:
        report.totals.requests > 0
          ? formatUsd(report.totals.costNanos / BigInt(report.totals.requests), 6)
          : "-",
    },
    chart: {
      keys: series.keys,
      points: series.points.map((p) => ({
        ...p,
        bucket: hourly ? p.bucket.slice(5, 13).replace("T", " ") : p.bucket.slice(0, 10),
      })),
    },
    groups: report.groups.slice(0, 50).map(group),
    moreGroups: Math.max(0, report.groupCount - 50),
    movers: report.movers.slice(0, 8).map(group),
    mix: [
      { name: "Input (uncached)", tokens: report.tokenMix.uncachedInput },
      { name: "Cache read", tokens: report.tokenMix.cacheRead },
      { name: "Cache write", tokens: report.tokenMix.cacheWrite },
      { name: "Output", tokens: report.tokenMix.output },
      { name: "Reasoning", tokens: report.tokenMix.reasoning },
    ].map((m) => ({ ...m, share: mixTotal > 0 ? m.tokens / mixTotal : 0 })),
    noUsage: report.noUsage,
    unpriced: report.unpriced.map((u) => ({
      ...u,
      href: `/generations?${new URLSearchParams({ model: u.model, from: query.from.toISOString(), to: query.to.toISOString() })}`,
    })),
    csvHref: `/api/v1/costs.csv?${params}`,
    apiHref: `/api/v1/costs?${params}`,
    filterParams: params.toString(),
    canReprice: member.role === "admin",
  };
}

type GroupView = Awaited<ReturnType<typeof loader>>["groups"][number];

function drill(filterParams: string, groupBy: string, key: string): string {
  const p = new URLSearchParams(filterParams);
  p.set(groupBy, key);
  p.set("group_by", groupBy === "model" ? "user" : "model");
  return `/costs?${p}`;
}

export default function Costs({ loaderData }: Route.ComponentProps) {
  const d = loaderData;
  const busy = useNavigation().state === "loading";
  const dimension = d.values.groupBy;
  return (
    <>
      <PageHeader
        title="Costs"
        subtitle={`Spend by ${dimension}, ${d.range}; compared with ${d.previousRange}.`}
      >
        <a className="button secondary" href={d.csvHref} data-testid="csv-export" download>
          Export CSV
        </a>
        <a className="button secondary" href={d.apiHref}>
          JSON
        </a>
        {d.canReprice ? (
          <Link className="button secondary" to="/costs/reprice">
            Reprice
          </Link>
        ) : null}
      </PageHeader>

      <section className="panel">
        <Form method="get" className="filters" aria-label="Cost filters">
          <label className="field">
            From (UTC)
            <input
              name="from"
              type={d.values.granularity === "hour" ? "datetime-local" : "date"}
              defaultValue={d.values.from}
            />
          </label>
          <label className="field">
            To (UTC)
            <input
              name="to"
              type={d.values.granularity === "hour" ? "datetime-local" : "date"}
              defaultValue={d.values.to}
            />
          </label>
          <label className="field">
            Granularity
            <select name="granularity" defaultValue={d.values.granularity}>
              <option value="hour">hour</option>
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
            </select>
          </label>
          <label className="field">
            Group by
            <select name="group_by" defaultValue={d.values.groupBy}>
              <option value="model">model</option>
              <option value="user">user</option>
              <option value="function">function</option>
              <option value="tag">tag</option>
              <option value="provider">provider</option>
            </select>
          </label>
          <label className="field">
            Model
            <input name="model" defaultValue={d.values.model} />
          </label>
          <label className="field">
            User
            <input name="user" defaultValue={d.values.user} />
          </label>
          <label className="field">
            Function
            <input name="function" defaultValue={d.values.function} />
          </label>
          <label className="field">
            Tag
            <input name="tag" defaultValue={d.values.tag} />
          </label>
          <div className="actions">
            <button type="submit">Apply</button>
            <Link to="/costs?range=7d" className="button secondary">
              7 days
            </Link>
            <Link to="/costs?range=30d" className="button secondary">
              30 days
            </Link>
            <Link to="/costs?range=90d" className="button secondary">
              90 days
            </Link>
          </div>
        </Form>
      </section>

      {d.error ? (
        <div className="notice bad" role="alert">
          {d.error} (showing the last 30 days instead)
        </div>
      ) : null}

      {d.unpriced.length > 0 || d.noUsage > 0 ? (
        <div className="notice warn" role="status" data-testid="unpriced-callout">
          <strong>{formatCount(d.totals.unpriced)} generations have no cost</strong>: it is unknown and not
          included below.
          {d.unpriced.length > 0 ? (
            <span data-testid="unpriced-models">
              {" "}
              Models without a price entry:{" "}
              {d.unpriced.map((u, i) => (
                <span key={`${u.provider}/${u.model}`}>
                  {i > 0 ? ", " : ""}
                  <Link to={u.href}>
                    {u.provider}/{u.model}
                  </Link>{" "}
                  ({formatCount(u.requests)})
                </span>
              ))}
              . Add a price under Settings, then reprice the range.
            </span>
          ) : null}
          {d.noUsage > 0 ? (
            <span data-testid="no-usage">
              {" "}
              {formatCount(d.noUsage)} reported no token usage (the call was aborted or failed before the
              provider sent it): their cost stays unknown whatever the price.
            </span>
          ) : null}
        </div>
      ) : null}

      <div className="stats">
        <Stat
          label="Spend"
          value={d.totals.cost}
          sub={`${d.totals.change} vs ${d.totals.previousCost}`}
          testId="stat-spend"
        />
        <Stat
          label="Requests"
          value={d.totals.requests}
          sub={`previous ${formatCount(d.totals.previousRequests)}`}
        />
        <Stat label="Per request" value={d.totals.costPerRequest} />
        <Stat
          label="Cache savings"
          value={d.totals.saved}
          sub={`${formatCount(d.totals.cacheHits)} cache hits`}
          testId="stat-saved"
        />
        <Stat
          label="Unpriced"
          value={d.totals.unpriced}
          sub={
            d.noUsage > 0
              ? `cost unknown; ${formatCount(d.noUsage)} of them reported no usage`
              : "cost unknown: no price entry"
          }
        />
      </div>

      <section className="panel" style={{ opacity: busy ? 0.6 : 1 }}>
        <h2>Spend over time by {dimension}</h2>
        {d.chart.keys.length === 0 ? (
          <EmptyState title="No spend in this range">
            <p>Widen the range or remove a filter.</p>
          </EmptyState>
        ) : (
          <CostChart keys={d.chart.keys} points={d.chart.points} />
        )}
      </section>

      <div className="grid two">
        <section className="panel">
          <h2>Top movers</h2>
          {d.movers.length === 0 ? (
            <p className="muted">No change against the previous period.</p>
          ) : (
            <table className="data" data-testid="movers">
              <tbody>
                {d.movers.map((m) => (
                  <tr key={m.key}>
                    <td>
                      <Link to={drill(d.filterParams, dimension, m.key)}>{m.label}</Link>
                    </td>
                    <td className="num" style={{ color: m.up ? "var(--bad)" : "var(--ok)" }}>
                      {m.delta}
                    </td>
                    <td className="num muted">{m.change}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel">
          <h2>Token mix</h2>
          <table className="data" data-testid="token-mix">
            <tbody>
              {d.mix.map((m) => (
                <tr key={m.name}>
                  <td>{m.name}</td>
                  <td className="num">{formatCount(m.tokens)}</td>
                  <td style={{ width: "45%" }}>
                    <div style={{ background: "var(--accent-soft)", borderRadius: 3, height: 10 }}>
                      <div
                        style={{
                          background: "var(--accent)",
                          borderRadius: 3,
                          height: 10,
                          width: `${(m.share * 100).toFixed(1)}%`,
                        }}
                      />
                    </div>
                  </td>
                  <td className="num muted">{(m.share * 100).toFixed(1)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <section className="panel">
        <h2>By {dimension}</h2>
        {d.groups.length === 0 ? (
          <p className="muted">Nothing in this range.</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="cost-groups">
              <thead>
                <tr>
                  <th>{dimension}</th>
                  <th className="num">Requests</th>
                  <th className="num">Tokens</th>
                  <th className="num">Spend</th>
                  <th className="num">Previous</th>
                  <th className="num">Change</th>
                  <th className="num">Unpriced</th>
                </tr>
              </thead>
              <tbody>
                {d.groups.map((g: GroupView) => (
                  <tr key={g.key}>
                    <td>
                      <Link to={drill(d.filterParams, dimension, g.key)}>{g.label}</Link>
                    </td>
                    <td className="num">{formatCount(g.requests)}</td>
                    <td className="num">{formatCount(g.tokens)}</td>
                    <td className="num">{g.cost}</td>
                    <td className="num muted">{g.previous}</td>
                    <td className="num">{g.change}</td>
                    <td className="num">
                      {g.unpriced > 0 ? <span className="badge unpriced">{g.unpriced}</span> : "-"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {d.moreGroups > 0 ? <p className="muted">{d.moreGroups} more in the CSV export.</p> : null}
      </section>
    </>
  );
}
