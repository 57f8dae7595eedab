import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type AnalyticsStore, chTime, insertRows, nextVersion, parseChTime, selectRows } from "./sql.ts";

/** What an alert rule watches. */
export const ALERT_KINDS = [
  "cost_spike",
  "budget_threshold",
  "abuse_score",
  "error_rate_spike",
  "unpriced_model",
] as const;
/** One of {@link ALERT_KINDS}. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Numeric parameters each kind accepts, with their defaults (the evaluator reads them). */
export const ALERT_PARAM_DEFAULTS: Record<AlertKind, Record<string, number>> = {
  cost_spike: { windowMinutes: 60, days: 7, weeks: 4, minAmountNanos: 1_000_000_000, ratio: 2, z: 4 },
  budget_threshold: {},
  abuse_score: { windowHours: 24, minScore: 40 },
  error_rate_spike: {
    windowMinutes: 15,
    baselineHours: 24,
    minRequests: 20,
    minErrors: 5,
    minRate: 0.1,
    ratio: 3,
  },
  unpriced_model: { windowMinutes: 60 },
};

/** Cooldown used when a rule names none, per kind (seconds). */
export const DEFAULT_COOLDOWN_SECONDS: Record<AlertKind, number> = {
  cost_spike: 3600,
  budget_threshold: 86_400,
  abuse_score: 86_400,
  error_rate_spike: 1800,
  unpriced_model: 86_400,
};

/** Rule parameters: the kind's numbers, plus `model` (cost_spike) or `budgetIds` (budget_threshold). */
export interface AlertParams {
  [name: string]: number | string | string[] | undefined;
  model?: string;
  budgetIds?: string[];
}

/** An alert rule. */
export interface AlertRule {
  id: string;
  projectId: string;
  name: string;
  kind: AlertKind;
  params: AlertParams;
  /** "" = record firings only, deliver nowhere. */
  webhookUrl: string;
  webhookFormat: "json" | "slack";
  /** HMAC secret for the JSON signature; "" = unsigned. Never shown back in the dashboard. */
  webhookSecret: string;
  cooldownSeconds: number;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What a caller supplies to create or edit a rule. */
export interface AlertRuleInput {
  name: string;
  kind: AlertKind;
  params?: AlertParams;
  webhookUrl?: string;
  webhookFormat?: "json" | "slack";
  /** Undefined on edit keeps the stored secret. */
  webhookSecret?: string;
  cooldownSeconds?: number;
  enabled?: boolean;
}

/** Checks a rule; throws a RangeError naming the bad field. Returns it with defaults filled in. */
export function validateAlertRuleInput(input: AlertRuleInput): Required<AlertRuleInput> {
  const name = input.name?.trim() ?? "";
  if (name.length === 0 || name.length > 200)
    throw new RangeError("alert rule name must be 1..200 characters");
  if (!ALERT_KINDS.includes(input.kind)) {
    throw new RangeError(`alert rule kind must be one of ${ALERT_KINDS.join(", ")}, got "${input.kind}"`);
  }
  const allowed = ALERT_PARAM_DEFAULTS[input.kind];
  const params: AlertParams = {};
  for (const [key, value] of Object.entries(input.params ?? {})) {
    if (value === undefined || value === "") continue;
    if (key === "model" && input.kind === "cost_spike" && typeof value === "string") params.model = value;
    else if (key === "budgetIds" && input.kind === "budget_threshold" && Array.isArray(value)) {
      params.budgetIds = value.map(String).filter(Boolean);
    } else if (key in allowed) {
      const n = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new RangeError(`alert rule param ${key} must be a number >= 0, got "${value}"`);
      params[key] = n;
    } else {
      throw new RangeError(`alert rule param "${key}" is not known for kind ${input.kind}`);
    }
  }
  const webhookUrl = (input.webhookUrl ?? "").trim();
  if (webhookUrl !== "") {
    let url: URL;
    try {
      url = new URL(webhookUrl);
    } catch {
      throw new RangeError(`alert rule webhookUrl is not a URL: "${webhookUrl}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new RangeError("alert rule webhookUrl must be http(s)");
  }
  const webhookFormat = input.webhookFormat ?? "json";
  if (webhookFormat !== "json" && webhookFormat !== "slack") {
    throw new RangeError(`alert rule webhookFormat must be json or slack, got "${webhookFormat}"`);
  }
  const cooldownSeconds = input.cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS[input.kind];
  if (!Number.isInteger(cooldownSeconds) || cooldownSeconds < 0 || cooldownSeconds > 30 * 86_400) {
    throw new RangeError(
      `alert rule cooldownSeconds must be an integer in 0..2592000, got ${cooldownSeconds}`,
    );
  }
  return {
    name,
    kind: input.kind,
    params,
    webhookUrl,
    webhookFormat,
    webhookSecret: input.webhookSecret ?? "",
    cooldownSeconds,
    enabled: input.enabled ?? true,
  };
}

/** A rule's numeric parameter, or the kind's default. */
export function ruleParam(rule: Pick<AlertRule, "kind" | "params">, name: string): number {
  const v = rule.params[name];
  if (typeof v === "number") return v;
  const d = ALERT_PARAM_DEFAULTS[rule.kind][name];
  if (d === undefined) throw new RangeError(`alert kind ${rule.kind} has no parameter ${name}`);
  return d;
}

const RuleRow = z.object({
  project_id: z.string(),
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  params: z.string(),
  webhook_url: z.string(),
  webhook_format: z.string(),
  webhook_secret: z.string(),
  cooldown_seconds: z.coerce.number(),
  enabled: z.coerce.number(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
type RuleRow = z.infer<typeof RuleRow>;

function fromRow(r: RuleRow): AlertRule {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    kind: r.kind as AlertKind,
    params: JSON.parse(r.params || "{}") as AlertParams,
    webhookUrl: r.webhook_url,
    webhookFormat: r.webhook_format === "slack" ? "slack" : "json",
    webhookSecret: r.webhook_secret,
    cooldownSeconds: Number(r.cooldown_seconds),
    enabled: Number(r.enabled) === 1,
    createdBy: r.created_by,
    createdAt: parseChTime(r.created_at),
    updatedAt: parseChTime(r.updated_at),
  };
}

function toRow(rule: AlertRule, actor: string, deleted: boolean, now: Date): Record<string, unknown> {
  return {
    project_id: rule.projectId,
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    params: JSON.stringify(rule.params),
    webhook_url: rule.webhookUrl,
    webhook_format: rule.webhookFormat,
    webhook_secret: rule.webhookSecret,
    cooldown_seconds: rule.cooldownSeconds,
    enabled: rule.enabled ? 1 : 0,
    created_by: rule.createdBy,
    created_at: chTime(rule.createdAt),
    updated_by: actor,
    updated_at: chTime(rule.updatedAt),
    deleted: deleted ? 1 : 0,
    version: nextVersion(now).toString(),
  };
}

/** Rules of one project (or all), oldest first. */
export async function listAlertRules(
  store: AnalyticsStore,
  filter: { projectId?: string; enabledOnly?: boolean } = {},
): Promise<AlertRule[]> {
  const rows = await selectRows(
    store,
    `SELECT project_id, id, name, kind, params, webhook_url, webhook_format, webhook_secret, cooldown_seconds, enabled, created_by, created_at, updated_at FROM alert_rules FINAL
     WHERE ({projectId:String} = '' OR project_id = {projectId:String}) AND (NOT {enabledOnly:Bool} OR enabled = 1)
     ORDER BY created_at, id`,
    RuleRow,
    { projectId: filter.projectId ?? "", enabledOnly: filter.enabledOnly ?? false },
  );
  return rows.map(fromRow);
}

/** One rule, or null. */
export async function getAlertRule(
  store: AnalyticsStore,
  id: string,
  filter: { projectId?: string } = {},
): Promise<AlertRule | null> {
  const rows = await selectRows(
    store,
    `SELECT project_id, id, name, kind, params, webhook_url, webhook_format, webhook_secret, cooldown_seconds, enabled, created_by, created_at, updated_at FROM alert_rules FINAL
     WHERE id = {id:String} AND ({projectId:String} = '' OR project_id = {projectId:String}) LIMIT 1`,
    RuleRow,
    { id, projectId: filter.projectId ?? "" },
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Creates a rule after validating it. */
export async function createAlertRule(
  store: AnalyticsStore,
  input: AlertRuleInput & { projectId: string; createdBy: string },
  now: Date = new Date(),
): Promise<AlertRule> {
  if (!input.projectId) throw new RangeError("alert rule projectId is required");
  const v = validateAlertRuleInput(input);
  const rule: AlertRule = {
    id: randomUUID(),
    projectId: input.projectId,
    ...v,
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
  };
  await insertRows(store, "alert_rules", [toRow(rule, input.createdBy, false, now)]);
  return rule;
}

/** Replaces a rule's fields (an undefined secret keeps the stored one); null when it does not exist. */
export async function updateAlertRule(
  store: AnalyticsStore,
  id: string,
  input: AlertRuleInput & { projectId?: string; updatedBy: string },
  now: Date = new Date(),
): Promise<AlertRule | null> {
  const current = await getAlertRule(store, id, { projectId: input.projectId });
  if (!current) return null;
  const v = validateAlertRuleInput({ ...input, webhookSecret: input.webhookSecret ?? current.webhookSecret });
  const rule: AlertRule = { ...current, ...v, updatedAt: now };
  await insertRows(store, "alert_rules", [toRow(rule, input.updatedBy, false, now)]);
  return rule;
}

/** Deletes a rule; false when it did not exist. Its firings stay in the history. */
export async function deleteAlertRule(
  store: AnalyticsStore,
  id: string,
  opts: { projectId?: string; deletedBy: string },
  now: Date = new Date(),
): Promise<boolean> {
  const current = await getAlertRule(store, id, { projectId: opts.projectId });
  if (!current) return false;
  await insertRows(store, "alert_rules", [toRow({ ...current, updatedAt: now }, opts.deletedBy, true, now)]);
  return true;
}
