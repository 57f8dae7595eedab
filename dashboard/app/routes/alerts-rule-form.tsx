import { Form, Link } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";

// The alert rule form (not a route: routes.ts does not list this file).

// Spelled out here (not imported): the form renders in the browser.
/** Alert kinds with their labels and parameter defaults, for the browser. */
export const KINDS: Record<string, { label: string; params: string }> = {
  cost_spike: {
    label: "Cost spike",
    params: "windowMinutes=60, days=7, weeks=4, minAmountNanos=1000000000, ratio=2, z=4, model=",
  },
  budget_threshold: { label: "Budget threshold", params: "budgetIds= (empty: every budget)" },
  abuse_score: { label: "Abuse score", params: "windowHours=24, minScore=40" },
  error_rate_spike: {
    label: "Error-rate spike",
    params: "windowMinutes=15, baselineHours=24, minRequests=20, minErrors=5, minRate=0.1, ratio=3",
  },
  unpriced_model: { label: "Unpriced model", params: "windowMinutes=60" },
};

/** A rule as the form shows it. */
export interface RuleView {
  id: string;
  name: string;
  kind: string;
  params: string;
  webhookUrl: string;
  webhookFormat: string;
  hasSecret: boolean;
  cooldownMinutes: number;
  enabled: boolean;
}

/** Create or edit a rule (posts to the alerts route's action). */
export function RuleForm({ rule, busy }: { rule: RuleView | null; busy: boolean }) {
  return (
    <Form
      method="post"
      className="filters"
      aria-label={rule ? "Edit rule" : "New rule"}
      data-testid="rule-form"
    >
      <CsrfInput />
      <input type="hidden" name="intent" value={rule ? "update" : "create"} />
      {rule ? <input type="hidden" name="id" value={rule.id} /> : null}
      <label className="field">
        Name
        <input name="name" required defaultValue={rule?.name} placeholder="Spend spike" />
      </label>
      <label className="field">
        Watches
        <select name="kind" defaultValue={rule?.kind ?? "cost_spike"}>
          {Object.entries(KINDS).map(([kind, k]) => (
            <option key={kind} value={kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field" style={{ gridColumn: "span 2" }}>
        Parameters (name=value, comma separated; blank = defaults)
        <input name="params" defaultValue={rule?.params} placeholder="ratio=3, z=4" />
      </label>
      <label className="field" style={{ gridColumn: "span 2" }}>
        Webhook URL (blank: history only)
        <input
          name="webhookUrl"
          type="url"
          defaultValue={rule?.webhookUrl}
          placeholder="https://hooks.slack.com/services/..."
        />
      </label>
      <label className="field">
        Format
        <select name="webhookFormat" defaultValue={rule?.webhookFormat ?? "json"}>
          <option value="json">JSON</option>
          <option value="slack">Slack</option>
        </select>
      </label>
      <label className="field">
        Signing secret{rule?.hasSecret ? " (blank keeps it)" : ""}
        <input name="webhookSecret" type="password" autoComplete="off" />
      </label>
      <label className="field">
        Cooldown (minutes)
        <input
          name="cooldownMinutes"
          inputMode="numeric"
          defaultValue={rule ? String(rule.cooldownMinutes) : ""}
          placeholder="default"
        />
      </label>
      <label className="field">
        <span>
          <input name="enabled" type="checkbox" defaultChecked={rule?.enabled ?? true} /> Enabled
        </span>
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {rule ? "Save rule" : "Create rule"}
        </button>
        {rule ? (
          <Link to="/alerts" className="button secondary">
            Cancel
          </Link>
        ) : null}
      </div>
      <details className="muted" style={{ gridColumn: "1 / -1" }}>
        <summary>Parameters and their defaults</summary>
        <ul>
          {Object.values(KINDS).map((k) => (
            <li key={k.label}>
              {k.label}: <span className="mono">{k.params}</span>
            </li>
          ))}
        </ul>
      </details>
    </Form>
  );
}
