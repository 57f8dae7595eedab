import { listRepriceAudit, repriceGenerations } from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import { data, Form, Link, useNavigation } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { requireMember, verifyCsrf } from "../lib/auth.server.ts";
import { formatTime } from "../lib/format.ts";
import type { Route } from "./+types/costs-reprice";

export const meta: Route.MetaFunction = () => [{ title: "Reprice - genledger" }];

const EXAMPLE = JSON.stringify(
  {
    id: "openai/gpt-4o@2026-01-01-corrected",
    provider: "openai",
    match: ["gpt-4o"],
    input: "2.50",
    output: "10.00",
    cacheRead: "1.25",
    effectiveFrom: "2024-08-06",
  },
  null,
  2,
);

export async function loader({ context }: Route.LoaderArgs) {
  requireMember(context, ["admin"]);
  const services = context.get(servicesContext);
  const audit = await listRepriceAudit(services.store, { projectId: services.projectId });
  return {
    example: EXAMPLE,
    audit: audit.map((a) => ({
      id: a.id,
      at: formatTime(a.at),
      actor: a.actor,
      model: [a.provider, a.model].filter(Boolean).join(" / "),
      range: `${formatTime(a.from)} to ${formatTime(a.to)}`,
      priceEntry: a.priceEntry,
      generations: a.generations,
      before: formatUsd(a.beforeNanos, 4),
      after: formatUsd(a.afterNanos, 4),
    })),
  };
}

function parseTime(name: string, value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value}Z` : value;
  const date = new Date(text);
  if (!value || Number.isNaN(date.getTime()))
    throw new RangeError(`${name}: expected a UTC time such as 2026-01-31T00:00`);
  return date;
}

export async function action({ request, context }: Route.ActionArgs) {
  const me = requireMember(context, ["admin"]);
  const services = context.get(servicesContext);
  const form = await request.formData();
  await verifyCsrf(request, context, form);
  const text = (name: string) => String(form.get(name) ?? "").trim();
  try {
    let entry: unknown;
    try {
      entry = JSON.parse(text("entry"));
    } catch {
      throw new RangeError("price entry: not valid JSON");
    }
    const result = await repriceGenerations(services.store, {
      projectId: services.projectId,
      entry: entry as Parameters<typeof repriceGenerations>[1]["entry"],
      from: parseTime("from", text("from")),
      to: parseTime("to", text("to")),
      provider: text("provider") || undefined,
      model: text("model") || undefined,
      actor: me.email,
      dryRun: form.get("intent") !== "apply",
    });
    return {
      error: null,
      result: {
        dryRun: result.dryRun,
        generations: result.generations,
        pricedBefore: result.pricedBefore,
        skipped: result.skipped,
        before: formatUsd(result.beforeNanos, 6),
        after: formatUsd(result.afterNanos, 6),
        models: result.models.join(", ") || "none",
      },
    };
  } catch (error) {
    if (error instanceof RangeError) return data({ error: error.message, result: null }, { status: 400 });
    throw error;
  }
}

export default function Reprice({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === "submitting";
  const r = actionData?.result;
  return (
    <>
      <PageHeader
        title="Reprice"
        subtitle="Apply a corrected or new price entry to the generations of a time range. Rollups are rebuilt so every total stays exact; each apply is audited."
      >
        <Link to="/costs" className="button secondary">
          Back to costs
        </Link>
      </PageHeader>
      {actionData?.error ? (
        <div className="notice bad" role="alert">
          {actionData.error}
        </div>
      ) : null}
      {r ? (
        <div className={`notice ${r.dryRun ? "info" : "ok"}`} role="status" data-testid="reprice-result">
          {r.dryRun ? "Preview: " : "Applied: "}
          {r.generations} generations of {r.models} ({r.pricedBefore} had a price): {r.before} before,{" "}
          {r.after} after.
          {r.skipped > 0 ? ` ${r.skipped} could not be priced by this entry and were left as they were.` : ""}
        </div>
      ) : null}
      <section className="panel">
        <Form method="post" className="filters" aria-label="Reprice">
          <CsrfInput />
          <label className="field">
            From (UTC)
            <input name="from" type="datetime-local" required />
          </label>
          <label className="field">
            To (UTC)
            <input name="to" type="datetime-local" required />
          </label>
          <label className="field">
            Provider (optional, as recorded)
            <input name="provider" placeholder="openai" />
          </label>
          <label className="field">
            Model (optional, as requested)
            <input name="model" placeholder="gpt-4o" />
          </label>
          <label className="field" style={{ gridColumn: "1 / -1" }}>
            Price entry (JSON, prices in USD per million tokens)
            <textarea name="entry" rows={10} className="mono" defaultValue={loaderData.example} required />
          </label>
          <div className="actions">
            <button type="submit" name="intent" value="preview" className="secondary" disabled={busy}>
              Preview
            </button>
            <button type="submit" name="intent" value="apply" disabled={busy}>
              Apply
            </button>
          </div>
        </Form>
      </section>
      <section className="panel">
        <h2>History</h2>
        {loaderData.audit.length === 0 ? (
          <p className="muted">No reprice yet.</p>
        ) : (
          <table className="data" data-testid="reprice-audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Model</th>
                <th>Range</th>
                <th>Price entry</th>
                <th className="num">Generations</th>
                <th className="num">Before</th>
                <th className="num">After</th>
              </tr>
            </thead>
            <tbody>
              {loaderData.audit.map((a) => (
                <tr key={a.id}>
                  <td className="nowrap">{a.at}</td>
                  <td>{a.actor}</td>
                  <td>{a.model}</td>
                  <td className="muted">{a.range}</td>
                  <td className="mono">{a.priceEntry}</td>
                  <td className="num">{a.generations}</td>
                  <td className="num">{a.before}</td>
                  <td className="num">{a.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
