import { abuseReport } from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import { Form, Link } from "react-router";
import { EmptyState } from "../components/empty-state.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import { formatCount } from "../lib/format.ts";
import type { Route } from "./+types/abuse";

export const meta: Route.MetaFunction = () => [{ title: "Abuse - genledger" }];

const WINDOWS: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

const SIGNAL_NAMES: Record<string, string> = {
  rate_vs_self: "Request burst (own history)",
  rate_vs_peers: "Request burst (vs peers)",
  spend_share: "Share of spend",
  duplicate_prompts: "Duplicate prompts",
  error_rate: "Error rate",
  content_filter: "Content filter",
  prompt_length: "Prompt length",
  new_user_high_spend: "New user, high spend",
};

export async function loader({ context, url }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const windowParam = url.searchParams.get("window") ?? "24h";
  const span = WINDOWS[windowParam] ?? WINDOWS["24h"]!;
  const to = new Date();
  const from = new Date(to.getTime() - span);
  const report = await abuseReport(services.store, { projectId: access.projectId, from, to });
  const range = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  return {
    window: WINDOWS[windowParam] ? windowParam : "24h",
    activeUsers: report.activeUsers,
    users: report.users.slice(0, 100).map((u, i) => ({
      rank: i + 1,
      userId: u.userId,
      score: u.score,
      cost: formatUsd(u.costNanos, 4),
      requests: u.requests,
      signals: u.signals.map((s) => ({
        kind: s.kind,
        name: SIGNAL_NAMES[s.kind] ?? s.kind,
        points: s.points,
        evidence: s.evidence,
      })),
      generationsHref: `/generations?${new URLSearchParams({ user: u.userId, from: from.toISOString(), to: to.toISOString() })}`,
      costsHref: `/costs?${new URLSearchParams({ user: u.userId, group_by: "model", range: "7d" })}`,
    })),
    range: range.toString(),
  };
}

export default function Abuse({ loaderData }: Route.ComponentProps) {
  const d = loaderData;
  return (
    <>
      <PageHeader
        title="Abuse"
        subtitle={`Users ranked by explainable signals over the last ${d.window} (${formatCount(d.activeUsers)} active users). Each signal shows the numbers behind it.`}
      >
        <Form method="get" className="inline-form">
          <select name="window" defaultValue={d.window} aria-label="Window">
            <option value="1h">last hour</option>
            <option value="24h">last 24 hours</option>
            <option value="7d">last 7 days</option>
          </select>
          <button type="submit">Show</button>
        </Form>
      </PageHeader>
      {d.users.length === 0 ? (
        <EmptyState title="Nothing suspicious">
          <p>
            No user shows a burst, duplicate prompts, unusual errors, content-filter hits or outsized spend in
            this window.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="abuse-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>User</th>
                <th className="num">Score</th>
                <th>Signals and evidence</th>
                <th className="num">Requests</th>
                <th className="num">Spend</th>
              </tr>
            </thead>
            <tbody>
              {d.users.map((u) => (
                <tr key={u.userId} data-testid="abuse-row" data-user={u.userId}>
                  <td className="num">{u.rank}</td>
                  <td>
                    <div className="mono">{u.userId || "(no user)"}</div>
                    <div>
                      <Link to={u.generationsHref}>generations</Link> · <Link to={u.costsHref}>costs</Link>
                    </div>
                  </td>
                  <td className="num">
                    <strong>{u.score}</strong>
                  </td>
                  <td>
                    <ul style={{ margin: 0, paddingLeft: 16 }}>
                      {u.signals.map((s) => (
                        <li key={s.kind} data-signal={s.kind}>
                          <strong>{s.name}</strong> <span className="muted">(+{s.points})</span>: {s.evidence}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="num">{formatCount(u.requests)}</td>
                  <td className="num">{u.cost}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
