import type { AlertRule, Budget, ErrorCounts, UserActivity } from "@genledger/clickhouse";
import {
  budgetStatus,
  detectErrorRateSpike,
  detectSpike,
  ruleParam,
  scoreAbuse,
  spikeWindows,
} from "@genledger/clickhouse";
import { formatUsd } from "@genledger/core";
import type { AlertEvent, WebhookTarget } from "./types.ts";

/** Where the checks read their numbers (the SQL lives in `@genledger/clickhouse`). */
export interface AlertSources {
  /** Spend (nano-dollars) of one project in each window, optionally for one model. */
  spendInWindows(
    projectId: string,
    windows: ReadonlyArray<{ from: Date; to: Date }>,
    filter?: { model?: string },
  ): Promise<bigint[]>;
  /** Final requests and errors of one project in each window. */
  errorCounts(projectId: string, windows: ReadonlyArray<{ from: Date; to: Date }>): Promise<ErrorCounts[]>;
  /** Per-user activity in `[from, to)`, with each user's baseline peak over `[baselineFrom, from)`. */
  userActivity(
    projectId: string,
    range: { from: Date; to: Date; baselineFrom: Date },
  ): Promise<UserActivity[]>;
  /** Models with unpriced final generations in the range. */
  unpricedModels(
    projectId: string,
    range: { from: Date; to: Date },
  ): Promise<Array<{ provider: string; model: string; requests: number }>>;
  /** Start of the project's history (null: none); seasonal samples before it are missing, not zero. */
  dataSince(projectId: string): Promise<Date | null>;
  /** Spend of each budget in its period containing `now`, by budget ID. */
  budgetSpend(budgets: readonly Budget[], now: Date): Promise<Map<string, bigint>>;
}

/** An alert the checks want to fire, before cooldown and delivery. */
export interface Candidate {
  event: AlertEvent;
  cooldownSeconds: number;
  targets: WebhookTarget[];
  /** Suppressed when any of these keys fired at or after `since` (budgets: a higher threshold already went out). */
  alsoSuppressedBy?: { keys: string[]; since: Date };
}

/** Builds dashboard links: a path, or an absolute URL when the dashboard's public URL is known. */
export type LinkFn = (path: string, query?: Record<string, string>) => string;

/** A {@link LinkFn} for `baseUrl` ("" keeps links relative). */
export function linkBuilder(baseUrl = ""): LinkFn {
  const base = baseUrl.replace(/\/+$/, "");
  return (path, query) => {
    const qs = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : "";
    return `${base}${path}${qs}`;
  };
}

function target(rule: AlertRule): WebhookTarget[] {
  if (!rule.webhookUrl) return [];
  return [
    {
      url: rule.webhookUrl,
      format: rule.webhookFormat,
      ...(rule.webhookSecret ? { secret: rule.webhookSecret } : {}),
    },
  ];
}

function baseEvent(
  rule: AlertRule,
  now: Date,
): Pick<AlertEvent, "kind" | "ruleId" | "projectId" | "firedAt"> {
  return { kind: rule.kind, ruleId: rule.id, projectId: rule.projectId, firedAt: now };
}

/** Cost spike: the last window's spend vs the same window on previous days and weeks. */
export async function checkCostSpike(
  rule: AlertRule,
  sources: AlertSources,
  now: Date,
  link: LinkFn,
): Promise<Candidate[]> {
  const options = {
    windowMinutes: ruleParam(rule, "windowMinutes"),
    days: ruleParam(rule, "days"),
    weeks: ruleParam(rule, "weeks"),
    minAmount: BigInt(Math.round(ruleParam(rule, "minAmountNanos"))),
    ratio: ruleParam(rule, "ratio"),
    z: ruleParam(rule, "z"),
  };
  const since = await sources.dataSince(rule.projectId);
  if (since === null) return [];
  // Look-backs from before the first data are unknown history, not zero spend.
  const windows = spikeWindows(now, options).filter((w, i) => i === 0 || w.from >= since);
  const model = typeof rule.params.model === "string" && rule.params.model ? rule.params.model : undefined;
  const amounts = await sources.spendInWindows(rule.projectId, windows, model ? { model } : {});
  const [current = 0n, ...baseline] = amounts;
  const verdict = detectSpike(current, baseline, options);
  if (!verdict.spike) return [];
  const from = windows[0]!.from;
  const scope = model ? ` on ${model}` : "";
  return [
    {
      event: {
        ...baseEvent(rule, now),
        dedupKey: `cost_spike:${rule.id}`,
        severity: "critical",
        title: `Cost spike${scope}: ${rule.name}`,
        message: `${formatUsd(current)} in the last ${options.windowMinutes} min${scope}, ${verdict.reason}; expected about ${formatUsd(verdict.expected)}.`,
        evidenceUrl: link("/costs", {
          from: new Date(now.getTime() - 7 * 86_400_000).toISOString(),
          to: now.toISOString(),
          granularity: "hour",
          ...(model ? { model } : {}),
        }),
        details: {
          windowFrom: from.toISOString(),
          windowTo: now.toISOString(),
          currentNanos: current.toString(),
          expectedNanos: verdict.expected.toString(),
          ratio: Number.isFinite(verdict.ratio) ? Number(verdict.ratio.toFixed(2)) : "new",
          z: Number(verdict.z.toFixed(1)),
          samples: verdict.samples,
          ...(model ? { model } : {}),
        },
      },
      cooldownSeconds: rule.cooldownSeconds,
      targets: target(rule),
    },
  ];
}

/** Error-rate spike: the last window vs the preceding baseline hours. */
export async function checkErrorRate(
  rule: AlertRule,
  sources: AlertSources,
  now: Date,
  link: LinkFn,
): Promise<Candidate[]> {
  const windowMs = ruleParam(rule, "windowMinutes") * 60_000;
  const baselineMs = ruleParam(rule, "baselineHours") * 3_600_000;
  const from = new Date(now.getTime() - windowMs);
  const [current, baseline] = await sources.errorCounts(rule.projectId, [
    { from, to: now },
    { from: new Date(from.getTime() - baselineMs), to: from },
  ]);
  const verdict = detectErrorRateSpike(
    current ?? { requests: 0, errors: 0 },
    baseline ?? { requests: 0, errors: 0 },
    {
      minRequests: ruleParam(rule, "minRequests"),
      minErrors: ruleParam(rule, "minErrors"),
      minRate: ruleParam(rule, "minRate"),
      ratio: ruleParam(rule, "ratio"),
    },
  );
  if (!verdict.spike) return [];
  return [
    {
      event: {
        ...baseEvent(rule, now),
        dedupKey: `error_rate_spike:${rule.id}`,
        severity: "warning",
        title: `Error-rate spike: ${rule.name}`,
        message: `${verdict.reason} over the last ${ruleParam(rule, "windowMinutes")} min.`,
        evidenceUrl: link("/generations", {
          status: "error",
          from: from.toISOString(),
          to: now.toISOString(),
        }),
        details: {
          requests: current?.requests ?? 0,
          errors: current?.errors ?? 0,
          rate: Number(verdict.rate.toFixed(4)),
          baselineRate: Number(verdict.baselineRate.toFixed(4)),
        },
      },
      cooldownSeconds: rule.cooldownSeconds,
      targets: target(rule),
    },
  ];
}

/** Abuse: one alert per user whose score reaches the rule's minimum. */
export async function checkAbuse(
  rule: AlertRule,
  sources: AlertSources,
  now: Date,
  link: LinkFn,
): Promise<Candidate[]> {
  const windowMs = ruleParam(rule, "windowHours") * 3_600_000;
  const from = new Date(now.getTime() - windowMs);
  const users = await sources.userActivity(rule.projectId, {
    from,
    to: now,
    baselineFrom: new Date(from.getTime() - 7 * 86_400_000),
  });
  const minScore = ruleParam(rule, "minScore");
  return scoreAbuse(users, { now })
    .filter((s) => s.score >= minScore)
    .map((s) => ({
      event: {
        ...baseEvent(rule, now),
        dedupKey: `abuse_score:${rule.id}:${s.userId}`,
        severity: s.score >= minScore * 2 ? "critical" : "warning",
        title: `Possible abuse by ${s.userId} (score ${s.score})`,
        message: s.signals.map((x) => x.evidence).join("; "),
        evidenceUrl: link("/generations", {
          user: s.userId,
          from: from.toISOString(),
          to: now.toISOString(),
        }),
        details: {
          userId: s.userId,
          score: s.score,
          signals: s.signals.map((x) => x.kind).join(","),
          costNanos: s.costNanos.toString(),
          requests: s.requests,
        },
      },
      cooldownSeconds: rule.cooldownSeconds,
      targets: target(rule),
    }));
}

/** Unpriced model: one alert per provider/model seen without a price in the window. */
export async function checkUnpriced(
  rule: AlertRule,
  sources: AlertSources,
  now: Date,
  link: LinkFn,
): Promise<Candidate[]> {
  const from = new Date(now.getTime() - ruleParam(rule, "windowMinutes") * 60_000);
  const models = await sources.unpricedModels(rule.projectId, { from, to: now });
  return models.map((m) => ({
    event: {
      ...baseEvent(rule, now),
      dedupKey: `unpriced_model:${rule.id}:${m.provider}/${m.model}`,
      severity: "warning",
      title: `Unpriced model: ${m.provider}/${m.model}`,
      message: `${m.requests} generations of ${m.provider}/${m.model} have no price: their cost is unknown until a price entry is added and applied.`,
      evidenceUrl: link("/generations", { model: m.model, from: from.toISOString(), to: now.toISOString() }),
      details: { provider: m.provider, model: m.model, requests: m.requests },
    },
    cooldownSeconds: rule.cooldownSeconds,
    targets: target(rule),
  }));
}

/**
 * Budget thresholds: for each budget, the highest threshold its spend has reached fires once per
 * period (unless a higher one already fired this period). Delivered to the webhooks of the
 * project's `budget_threshold` rules that cover the budget.
 */
export function checkBudgets(
  budgets: readonly Budget[],
  spend: ReadonlyMap<string, bigint>,
  rules: readonly AlertRule[],
  now: Date,
  link: LinkFn,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const budget of budgets) {
    const status = budgetStatus(budget, spend.get(budget.id) ?? 0n, now);
    const top = status.crossedThresholds.at(-1);
    if (top === undefined) continue;
    const covering = rules.filter(
      (r) =>
        r.kind === "budget_threshold" &&
        r.projectId === budget.projectId &&
        (!r.params.budgetIds || r.params.budgetIds.length === 0 || r.params.budgetIds.includes(budget.id)),
    );
    const period = status.periodStart.toISOString();
    const keyFor = (t: number) => `budget:${budget.id}:${period}:${t}`;
    const higher = budget.thresholds.filter((t) => t > top).map(keyFor);
    const forecast = status.projectedExhaustionAt
      ? ` At this rate it runs out ${status.projectedExhaustionAt.toISOString()}.`
      : ` Projected ${formatUsd(status.projectedNanos)} by the period end.`;
    candidates.push({
      event: {
        kind: "budget_threshold",
        ruleId: covering.length === 1 ? covering[0]!.id : "",
        projectId: budget.projectId,
        dedupKey: keyFor(top),
        severity: top >= 100 ? "critical" : "warning",
        title: `Budget "${budget.name}" reached ${top}%`,
        message: `${formatUsd(status.spentNanos)} of ${formatUsd(budget.amountNanos)} spent this ${budget.period} (${status.percent.toFixed(1)}%).${forecast}`,
        firedAt: now,
        evidenceUrl: link("/budgets", { id: budget.id }),
        details: {
          budgetId: budget.id,
          threshold: top,
          spentNanos: status.spentNanos.toString(),
          amountNanos: budget.amountNanos.toString(),
          projectedNanos: status.projectedNanos.toString(),
          periodStart: period,
          enforcement: budget.enforcement,
        },
      },
      // The key names the period, so a cooldown as long as the longest period means "once per period".
      cooldownSeconds: Math.max(31 * 86_400, ...covering.map((r) => r.cooldownSeconds)),
      targets: covering.flatMap(target),
      alsoSuppressedBy: { keys: higher, since: status.periodStart },
    });
  }
  return candidates;
}
