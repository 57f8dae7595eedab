import {
  type BudgetInput,
  budgetSpend,
  budgetStatus,
  createBudget,
  deleteBudget,
  getBudget,
  listBudgets,
  updateBudget,
} from "@genledger/clickhouse";
import { formatUsd, parseUsdToNanos } from "@genledger/core";
import { data, Form, Link, useNavigation } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember, verifyCsrf } from "../lib/auth.server.ts";
import { formatTime } from "../lib/format.ts";
import { canManageBudgets } from "../lib/roles.ts";
import type { Route } from "./+types/budgets";
import { BudgetForm } from "./budgets-form.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Budgets - genledger" }];

const MANAGERS = ["admin", "finance"] as const;
export async function loader({ context, url }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const now = new Date();
  const budgets = await listBudgets(services.store, { projectId: access.projectId });
  const spend = await budgetSpend(services.store, budgets, now);
  const editId = url.searchParams.get("edit");
  const canManage = canManageBudgets(member.role);
  const rows = budgets.map((b) => {
    const s = budgetStatus(b, spend.get(b.id) ?? 0n, now);
    return {
      id: b.id,
      name: b.name,
      projectId: b.projectId,
      scope: b.scope,
      scopeValue: b.scopeValue,
      period: b.period,
      amount: formatUsd(b.amountNanos, 2),
      amountInput: formatUsd(b.amountNanos, 9).replace(/[$,]/g, ""),
      thresholds: b.thresholds.join(", "),
      enforcement: b.enforcement,
      spent: formatUsd(s.spentNanos, 2),
      percent: s.percent,
      projected: formatUsd(s.projectedNanos, 2),
      projectedOver: s.projectedNanos > b.amountNanos,
      exhaustion: s.exhausted
        ? "exhausted"
        : s.projectedExhaustionAt
          ? formatTime(s.projectedExhaustionAt)
          : "not this period",
      periodEnds: formatTime(s.periodEnd),
      state: s.state,
      crossed: s.crossedThresholds,
    };
  });
  return { rows, canManage, editing: canManage ? (rows.find((r) => r.id === editId) ?? null) : null };
}

function readInput(form: FormData): BudgetInput {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const thresholds = text("thresholds")
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((t) => Number(t.replace(/%$/, "")));
  if (thresholds.some((t) => !Number.isFinite(t)))
    throw new RangeError("thresholds: percentages such as 50, 80, 100");
  let amountNanos: bigint;
  try {
    amountNanos = parseUsdToNanos(text("amount").replace(/^\$/, "").replaceAll(",", ""), "amount");
  } catch {
    throw new RangeError(`amount: expected dollars such as 250 or 12.50, got "${text("amount")}"`);
  }
  return {
    name: text("name"),
    scope: text("scope") as BudgetInput["scope"],
    scopeValue: text("scope") === "all" ? "" : text("scopeValue"),
    period: text("period") as BudgetInput["period"],
    amountNanos,
    thresholds: thresholds.length > 0 ? thresholds : undefined,
    enforcement: text("enforcement") === "hard" ? "hard" : "alert",
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const me = requireMember(context, MANAGERS);
  const services = context.get(servicesContext);
  const form = await request.formData();
  await verifyCsrf(request, context, form);
  const projectId = services.projectId;
  const intent = form.get("intent");
  try {
    if (intent === "create") {
      const b = await createBudget(services.store, {
        ...readInput(form),
        projectId: services.keyProjectId,
        createdBy: me.email,
      });
      return { ok: `Budget "${b.name}" created.`, error: null };
    }
    if (intent === "update") {
      const id = String(form.get("id") ?? "");
      const b = await updateBudget(services.store, id, {
        ...readInput(form),
        projectId,
        updatedBy: me.email,
      });
      if (!b) return data({ ok: null, error: "That budget no longer exists." }, { status: 404 });
      return { ok: `Budget "${b.name}" saved.`, error: null };
    }
    if (intent === "delete") {
      const id = String(form.get("id") ?? "");
      const existing = await getBudget(services.store, id, { projectId });
      if (!existing || !(await deleteBudget(services.store, id, { projectId, deletedBy: me.email }))) {
        return data({ ok: null, error: "That budget no longer exists." }, { status: 404 });
      }
      return { ok: `Budget "${existing.name}" deleted.`, error: null };
    }
  } catch (error) {
    if (error instanceof RangeError) return data({ ok: null, error: error.message }, { status: 400 });
    throw error;
  }
  return data({ ok: null, error: "Unknown action." }, { status: 400 });
}

export default function Budgets({ loaderData, actionData }: Route.ComponentProps) {
  const { rows, canManage, editing } = loaderData;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="Budgets"
        subtitle="Spend per period against a limit, with the burn-rate forecast. Alerts fire at each threshold once per period."
      />
      {actionData?.ok ? (
        <div className="notice ok" role="status">
          {actionData.ok}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="notice bad" role="alert">
          {actionData.error}
        </div>
      ) : null}
      {canManage ? (
        <section className="panel">
          <h2>{editing ? `Edit "${editing.name}"` : "New budget"}</h2>
          <BudgetForm key={editing?.id ?? `new-${rows.length}`} budget={editing} busy={busy} />
        </section>
      ) : (
        <div className="notice info">Budgets are managed by admin and finance members.</div>
      )}
      {rows.length === 0 ? (
        <EmptyState title="No budgets yet">
          <p>
            A budget tracks spend per day, week or month for everything, one user, model, function or tag.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="budgets-table">
            <thead>
              <tr>
                <th>Budget</th>
                <th>Scope</th>
                <th className="num">Spent</th>
                <th className="num">Amount</th>
                <th>Used</th>
                <th className="num">Forecast</th>
                <th>Runs out</th>
                <th>Enforcement</th>
                {canManage ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} id={r.id} data-testid="budget-row" data-name={r.name}>
                  <td>
                    <strong>{r.name}</strong>
                    <div className="muted">
                      per {r.period}, resets {r.periodEnds}; alerts at {r.thresholds}%
                    </div>
                  </td>
                  <td>
                    {r.scope}
                    {r.scopeValue ? <div className="mono">{r.scopeValue}</div> : null}
                  </td>
                  <td className="num">{r.spent}</td>
                  <td className="num">{r.amount}</td>
                  <td style={{ minWidth: 140 }}>
                    <div style={{ background: "var(--idle-soft)", borderRadius: 3, height: 10 }}>
                      <div
                        style={{
                          background:
                            r.state === "exceeded"
                              ? "var(--bad)"
                              : r.state === "warning"
                                ? "var(--warn)"
                                : "var(--ok)",
                          borderRadius: 3,
                          height: 10,
                          width: `${Math.min(100, r.percent).toFixed(1)}%`,
                        }}
                      />
                    </div>
                    <span className="muted">{r.percent.toFixed(1)}%</span>
                  </td>
                  <td className="num" style={{ color: r.projectedOver ? "var(--bad)" : undefined }}>
                    {r.projected}
                  </td>
                  <td>{r.exhaustion}</td>
                  <td>
                    <span className={`badge ${r.enforcement === "hard" ? "error" : "neutral"}`}>
                      {r.enforcement}
                    </span>
                  </td>
                  {canManage ? (
                    <td className="nowrap">
                      <Link to={`/budgets?edit=${encodeURIComponent(r.id)}`} className="button secondary">
                        Edit
                      </Link>{" "}
                      <Form method="post" style={{ display: "inline" }}>
                        <CsrfInput />
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="id" value={r.id} />
                        <button type="submit" className="danger" disabled={busy}>
                          Delete
                        </button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
