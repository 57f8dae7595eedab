import { Form, Link } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";

// The budget form (not a route: routes.ts does not list this file).

// Spelled out here rather than imported: the form renders in the browser, where @genledger/clickhouse cannot go.
const SCOPES = ["all", "user", "model", "function", "tag"] as const;
const PERIODS = ["day", "week", "month"] as const;

/** A budget as the form shows it. */
export interface BudgetView {
  id: string;
  name: string;
  scope: string;
  scopeValue: string;
  period: string;
  amountInput: string;
  thresholds: string;
  enforcement: string;
}

/** Create or edit a budget (posts to the budgets route's action). */
export function BudgetForm({ budget, busy }: { budget: BudgetView | null; busy: boolean }) {
  return (
    <Form
      method="post"
      className="filters"
      aria-label={budget ? "Edit budget" : "New budget"}
      data-testid="budget-form"
    >
      <CsrfInput />
      <input type="hidden" name="intent" value={budget ? "update" : "create"} />
      {budget ? <input type="hidden" name="id" value={budget.id} /> : null}
      <label className="field">
        Name
        <input name="name" required defaultValue={budget?.name} placeholder="Monthly OpenAI" />
      </label>
      <label className="field">
        Scope
        <select name="scope" defaultValue={budget?.scope ?? "all"}>
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Scope value
        <input
          name="scopeValue"
          defaultValue={budget?.scopeValue}
          placeholder="user id, model, function or tag"
        />
      </label>
      <label className="field">
        Period
        <select name="period" defaultValue={budget?.period ?? "month"}>
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Amount ($)
        <input
          name="amount"
          required
          inputMode="decimal"
          defaultValue={budget?.amountInput}
          placeholder="500"
        />
      </label>
      <label className="field">
        Alert at (%)
        <input name="thresholds" defaultValue={budget?.thresholds ?? "50, 80, 100"} />
      </label>
      <label className="field">
        Enforcement
        <select name="enforcement" defaultValue={budget?.enforcement ?? "alert"}>
          <option value="alert">alert only</option>
          <option value="hard">hard (block calls at 100%)</option>
        </select>
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {budget ? "Save budget" : "Create budget"}
        </button>
        {budget ? (
          <Link to="/budgets" className="button secondary">
            Cancel
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
