import {
  type AlertRuleInput,
  createAlertRule,
  deleteAlertRule,
  listAlertRules,
  listFirings,
  updateAlertRule,
} from "@genledger/clickhouse";
import { data, Form, Link, useNavigation } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember, verifyCsrf } from "../lib/auth.server.ts";
import { formatTime } from "../lib/format.ts";
import { isLocalPath } from "../lib/http.server.ts";
import { canManageBudgets } from "../lib/roles.ts";
import type { Route } from "./+types/alerts";
import { KINDS, RuleForm } from "./alerts-rule-form.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Alerts - genledger" }];

const MANAGERS = ["admin", "finance"] as const;

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : String(v)}`)
    .join(", ");
}

export async function loader({ context, url }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const ruleFilter = url.searchParams.get("rule") ?? "";
  const [rules, firings] = await Promise.all([
    listAlertRules(services.store, { projectId: access.projectId }),
    listFirings(services.store, { projectId: access.projectId, ruleId: ruleFilter || undefined, limit: 200 }),
  ]);
  const canManage = canManageBudgets(member.role);
  const names = new Map(rules.map((r) => [r.id, r.name]));
  const view = rules.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    kindLabel: KINDS[r.kind]?.label ?? r.kind,
    params: paramsText(r.params),
    webhookUrl: r.webhookUrl,
    // The host only: the path of a Slack webhook is its secret.
    webhookHost: r.webhookUrl ? new URL(r.webhookUrl).host : "",
    webhookFormat: r.webhookFormat,
    hasSecret: r.webhookSecret !== "",
    cooldownMinutes: Math.round(r.cooldownSeconds / 60),
    enabled: r.enabled,
  }));
  const editId = url.searchParams.get("edit");
  return {
    canManage,
    rules: view.map((r) => ({ ...r, webhookUrl: canManage ? r.webhookUrl : "" })),
    editing: canManage ? (view.find((r) => r.id === editId) ?? null) : null,
    ruleFilter,
    ruleFilterName: names.get(ruleFilter) ?? "",
    firings: firings.map((f) => ({
      id: f.id,
      firedAt: formatTime(f.firedAt),
      kind: KINDS[f.kind]?.label ?? f.kind,
      rule: names.get(f.ruleId) ?? (f.kind === "budget_threshold" ? "budget" : "(deleted rule)"),
      ruleId: f.ruleId,
      severity: f.severity,
      title: f.title,
      message: f.message,
      // Only dashboard paths and http(s) links are rendered as links.
      evidenceUrl: isLocalPath(f.evidenceUrl) || /^https?:\/\//i.test(f.evidenceUrl) ? f.evidenceUrl : "",
      evidenceLocal: isLocalPath(f.evidenceUrl),
      delivery: f.deliveryStatus,
      deliveryError: f.deliveryError,
      attempts: f.deliveryAttempts,
    })),
  };
}

function parseParams(text: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const part of text.split(",")) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0)
      throw new RangeError(`params: expected name=value pairs separated by commas, got "${trimmed}"`);
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (!value) continue;
    params[key] = key === "budgetIds" ? value.split("|").map((v) => v.trim()) : value;
  }
  return params;
}

function readInput(form: FormData, keepSecret: boolean): AlertRuleInput {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const cooldown = text("cooldownMinutes");
  const minutes = cooldown === "" ? undefined : Number(cooldown);
  if (minutes !== undefined && (!Number.isFinite(minutes) || minutes < 0)) {
    throw new RangeError("cooldown: minutes, a number >= 0");
  }
  const secret = text("webhookSecret");
  return {
    name: text("name"),
    kind: text("kind") as AlertRuleInput["kind"],
    params: parseParams(text("params")) as AlertRuleInput["params"],
    webhookUrl: text("webhookUrl"),
    webhookFormat: text("webhookFormat") === "slack" ? "slack" : "json",
    webhookSecret: keepSecret && secret === "" ? undefined : secret,
    cooldownSeconds: minutes === undefined ? undefined : Math.round(minutes * 60),
    enabled: form.get("enabled") === "on",
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
      const r = await createAlertRule(services.store, {
        ...readInput(form, false),
        projectId: services.keyProjectId,
        createdBy: me.email,
      });
      return { ok: `Rule "${r.name}" created.`, error: null };
    }
    if (intent === "update") {
      const r = await updateAlertRule(services.store, String(form.get("id") ?? ""), {
        ...readInput(form, true),
        projectId,
        updatedBy: me.email,
      });
      if (!r) return data({ ok: null, error: "That rule no longer exists." }, { status: 404 });
      return { ok: `Rule "${r.name}" saved.`, error: null };
    }
    if (intent === "delete") {
      const deleted = await deleteAlertRule(services.store, String(form.get("id") ?? ""), {
        projectId,
        deletedBy: me.email,
      });
      if (!deleted) return data({ ok: null, error: "That rule no longer exists." }, { status: 404 });
      return { ok: "Rule deleted. Its firings stay in the history.", error: null };
    }
  } catch (error) {
    if (error instanceof RangeError) return data({ ok: null, error: error.message }, { status: 400 });
    throw error;
  }
  return data({ ok: null, error: "Unknown action." }, { status: 400 });
}

export default function Alerts({ loaderData, actionData }: Route.ComponentProps) {
  const d = loaderData;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle="Rules are evaluated every minute by the collector; each firing goes to the rule's webhook (with retries) and stays quiet for its cooldown."
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
      {d.canManage ? (
        <section className="panel">
          <h2>{d.editing ? `Edit "${d.editing.name}"` : "New rule"}</h2>
          <RuleForm key={d.editing?.id ?? `new-${d.rules.length}`} rule={d.editing} busy={busy} />
        </section>
      ) : null}
      <section className="panel">
        <h2>Rules</h2>
        {d.rules.length === 0 ? (
          <p className="muted">
            No rules yet. Budget thresholds are recorded in the history even without a rule.
          </p>
        ) : (
          <table className="data" data-testid="rules-table">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Watches</th>
                <th>Parameters</th>
                <th>Delivers to</th>
                <th className="num">Cooldown</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.rules.map((r) => (
                <tr key={r.id} data-testid="rule-row">
                  <td>
                    <Link to={`/alerts?rule=${encodeURIComponent(r.id)}`}>{r.name}</Link>
                    {r.enabled ? null : <span className="badge neutral"> disabled</span>}
                  </td>
                  <td>{r.kindLabel}</td>
                  <td className="mono">{r.params || "defaults"}</td>
                  <td>
                    {r.webhookHost ? (
                      `${r.webhookHost} (${r.webhookFormat})`
                    ) : (
                      <span className="muted">history only</span>
                    )}
                  </td>
                  <td className="num">{r.cooldownMinutes} min</td>
                  <td className="nowrap">
                    {d.canManage ? (
                      <>
                        <Link to={`/alerts?edit=${encodeURIComponent(r.id)}`} className="button secondary">
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
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>
          History{d.ruleFilter ? ` of "${d.ruleFilterName || d.ruleFilter}"` : ""}{" "}
          {d.ruleFilter ? (
            <Link to="/alerts" className="muted">
              (all)
            </Link>
          ) : null}
        </h2>
        {d.firings.length === 0 ? (
          <EmptyState title="Nothing fired yet" />
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="firings-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Alert</th>
                  <th>Rule</th>
                  <th>Delivery</th>
                  <th>Evidence</th>
                </tr>
              </thead>
              <tbody>
                {d.firings.map((f) => (
                  <tr key={f.id} data-testid="firing-row">
                    <td className="nowrap muted">{f.firedAt}</td>
                    <td>
                      <span
                        className={`badge ${f.severity === "critical" ? "error" : f.severity === "warning" ? "pending" : "neutral"}`}
                      >
                        {f.kind}
                      </span>{" "}
                      <strong>{f.title}</strong>
                      <div className="muted">{f.message}</div>
                    </td>
                    <td>{f.rule}</td>
                    <td title={f.deliveryError}>
                      {f.delivery}
                      {f.attempts > 1 ? <span className="muted"> ({f.attempts} attempts)</span> : null}
                    </td>
                    <td>
                      {!f.evidenceUrl ? null : f.evidenceLocal ? (
                        <Link to={f.evidenceUrl}>open</Link>
                      ) : (
                        <a href={f.evidenceUrl} rel="noreferrer">
                          open
                        </a>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
