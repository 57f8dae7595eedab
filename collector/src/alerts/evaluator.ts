import type { AlertFiring, AlertRule, AnalyticsStore } from "@genledger/clickhouse";
import {
  lastFiredByKey,
  listAlertRules,
  listBudgets,
  newFiringId,
  recordFiring,
} from "@genledger/clickhouse";
import type { KvStore } from "@genledger/core";
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from "../logger.ts";
import {
  type AlertSources,
  type Candidate,
  checkAbuse,
  checkBudgets,
  checkCostSpike,
  checkErrorRate,
  checkUnpriced,
  linkBuilder,
} from "./checks.ts";
import { reconcileBudgetCounters } from "./counters.ts";
import { createLeaderLock, type LeaderLock } from "./leader.ts";
import { clickhouseSources } from "./sources.ts";
import type { AlertEvent, FetchLike, WebhookTarget } from "./types.ts";
import { type DeliveryOptions, type DeliveryResult, deliverWebhook } from "./webhooks.ts";

/** Options of {@link createAlertEvaluator}. */
export interface AlertEvaluatorOptions {
  /** The ClickHouse store (`createClickHouse()`): rules, budgets, firings and the numbers. */
  store: AnalyticsStore;
  /** The key-value store: leader lock and live budget counters. */
  kv: KvStore;
  /** Time between evaluations. Default 60 000 ms. */
  intervalMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  /** `fetch` for webhooks (tests). */
  fetch?: FetchLike;
  /** Webhooks every alert also goes to (e.g. from `GENLEDGER_ALERT_WEBHOOK_URL`). */
  webhooks?: WebhookTarget[];
  /** Dashboard public URL, so alert links are absolute. Default: relative links. */
  dashboardUrl?: string;
  /** Retry policy for webhook delivery. */
  delivery?: Omit<DeliveryOptions, "fetch">;
  /** Lease length of the leader lock. Default: 3 intervals, at least 30 s. */
  leaderTtlSeconds?: number;
  /** Reconcile the live budget counters with ClickHouse every cycle. Default true. */
  reconcileCounters?: boolean;
  /** Key prefix of the live budget counters (the budget guard's `keyPrefix`), or one per project. Default `genledger:`. */
  counterPrefix?: string | ((projectId: string) => string);
  /** Where the numbers come from. Default: the ClickHouse queries. */
  sources?: AlertSources;
  log?: Logger;
  /** Called with the report of every timer-driven evaluation (metrics, tests). */
  onReport?: (report: EvaluationReport) => void;
}

/** What one evaluation did. */
export interface EvaluationReport {
  at: Date;
  /** False when another process holds the leader lock (nothing was evaluated). */
  leader: boolean;
  /** Candidates found before cooldowns. */
  candidates: number;
  fired: AlertFiring[];
  suppressed: string[];
  /** Budget counters written. */
  countersReconciled: number;
  /** Errors of individual checks (a failing check does not stop the others). */
  errors: string[];
}

/** A running alert evaluator. */
export interface AlertEvaluator {
  /** Evaluates every `intervalMs` (first run at once). Idempotent. */
  start(): void;
  /** Stops the timer, waits for a running evaluation and releases the leader lock. Idempotent. */
  stop(): Promise<void>;
  /** One evaluation now (what the timer runs). */
  evaluateOnce(): Promise<EvaluationReport>;
  readonly lock: LeaderLock;
}

/**
 * The alert evaluator: every minute, if this process holds the leader lock, it runs the enabled
 * rules (cost spike, error-rate spike, abuse score, unpriced model) and the budget thresholds,
 * drops what is still in cooldown, records each firing in `alert_firings` and delivers it to the
 * webhooks (retries with backoff), then re-records it with the delivery outcome. It also sets the
 * live budget counters to the ClickHouse totals so they never drift.
 *
 * @example
 * const evaluator = createAlertEvaluator({ store, kv, dashboardUrl: "https://genledger.example" });
 * evaluator.start(); // ... on shutdown: await evaluator.stop();
 */
export function createAlertEvaluator(options: AlertEvaluatorOptions): AlertEvaluator {
  const intervalMs = options.intervalMs ?? 60_000;
  if (!Number.isFinite(intervalMs) || intervalMs < 1000) {
    throw new RangeError(`alert evaluator intervalMs must be >= 1000, got ${intervalMs}`);
  }
  const { store, kv } = options;
  const clock = options.now ?? (() => new Date());
  const log = options.log ?? defaultLogger();
  const sources = options.sources ?? clickhouseSources(store);
  const link = linkBuilder(options.dashboardUrl ?? "");
  const lock = createLeaderLock({
    kv,
    ttlSeconds: options.leaderTtlSeconds ?? Math.max(30, Math.ceil((3 * intervalMs) / 1000)),
  });
  // Keys fired by this process, so a firing whose ClickHouse write is not yet visible still counts.
  const recent = new Map<string, Date>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<EvaluationReport> | undefined;
  let stopped = true;

  async function deliver(candidate: Candidate): Promise<AlertFiring> {
    const { event } = candidate;
    const targets = [...candidate.targets, ...(options.webhooks ?? [])];
    const firing: AlertFiring = {
      ...event,
      id: newFiringId(),
      deliveryStatus: targets.length > 0 ? "pending" : "none",
      deliveryAttempts: 0,
      deliveryError: "",
    };
    recent.set(event.dedupKey, event.firedAt);
    await recordFiring(store, firing);
    if (targets.length === 0) return firing;
    const results: DeliveryResult[] = await Promise.all(
      targets.map((t) =>
        deliverWebhook(t, event, { ...options.delivery, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      ),
    );
    const failed = results.filter((r) => !r.ok);
    const done: AlertFiring = {
      ...firing,
      deliveryStatus: failed.length === 0 ? "delivered" : "failed",
      deliveryAttempts: results.reduce((n, r) => n + r.attempts, 0),
      deliveryError: failed.map((r) => r.error).join("; "),
    };
    if (failed.length > 0)
      log.warn("alert delivery failed", { dedupKey: event.dedupKey, errors: done.deliveryError });
    await recordFiring(store, done);
    return done;
  }

  async function evaluate(): Promise<EvaluationReport> {
    const at = clock();
    const report: EvaluationReport = {
      at,
      leader: false,
      candidates: 0,
      fired: [],
      suppressed: [],
      countersReconciled: 0,
      errors: [],
    };
    if (!(await lock.acquire())) return report;
    report.leader = true;
    const [rules, budgets] = await Promise.all([
      listAlertRules(store, { enabledOnly: true }),
      listBudgets(store),
    ]);
    const candidates: Candidate[] = [];
    const attempt = async (what: string, fn: () => Promise<Candidate[]>) => {
      try {
        candidates.push(...(await fn()));
      } catch (error) {
        report.errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        log.error("alert check failed", { check: what, error });
      }
    };
    for (const rule of rules) await attempt(`${rule.kind} ${rule.id}`, () => runRule(rule, at));
    let spend = new Map<string, bigint>();
    await attempt("budgets", async () => {
      spend = await sources.budgetSpend(budgets, at);
      return checkBudgets(budgets, spend, rules, at, link);
    });
    if (
      options.reconcileCounters !== false &&
      budgets.length > 0 &&
      report.errors.every((e) => !e.startsWith("budgets"))
    ) {
      try {
        report.countersReconciled = await reconcileBudgetCounters(
          kv,
          budgets,
          spend,
          at,
          options.counterPrefix,
        );
      } catch (error) {
        report.errors.push(`counters: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    report.candidates = candidates.length;

    const maxCooldown = Math.max(0, ...candidates.map((c) => c.cooldownSeconds));
    const fired =
      candidates.length > 0
        ? await lastFiredByKey(store, new Date(at.getTime() - maxCooldown * 1000))
        : new Map();
    for (const [key, when] of recent) {
      const stored = fired.get(key);
      if (!stored || stored < when) fired.set(key, when);
    }
    const toFire: Candidate[] = [];
    for (const c of candidates) {
      const last = fired.get(c.event.dedupKey);
      const inCooldown = last !== undefined && at.getTime() - last.getTime() < c.cooldownSeconds * 1000;
      const superseded = c.alsoSuppressedBy?.keys.some((k) => {
        const t = fired.get(k);
        return t !== undefined && t >= c.alsoSuppressedBy!.since;
      });
      if (inCooldown || superseded || toFire.some((f) => f.event.dedupKey === c.event.dedupKey)) {
        report.suppressed.push(c.event.dedupKey);
      } else {
        toFire.push(c);
      }
    }
    report.fired = await Promise.all(toFire.map(deliver));
    for (const f of report.fired)
      log.info("alert fired", { kind: f.kind, dedupKey: f.dedupKey, delivery: f.deliveryStatus });
    pruneRecent(at);
    return report;
  }

  function runRule(rule: AlertRule, at: Date): Promise<Candidate[]> {
    switch (rule.kind) {
      case "cost_spike":
        return checkCostSpike(rule, sources, at, link);
      case "error_rate_spike":
        return checkErrorRate(rule, sources, at, link);
      case "abuse_score":
        return checkAbuse(rule, sources, at, link);
      case "unpriced_model":
        return checkUnpriced(rule, sources, at, link);
      case "budget_threshold":
        return Promise.resolve([]); // delivered through checkBudgets
    }
  }

  function pruneRecent(at: Date): void {
    for (const [key, when] of recent) if (at.getTime() - when.getTime() > 32 * 86_400_000) recent.delete(key);
  }

  function evaluateOnce(): Promise<EvaluationReport> {
    // One evaluation at a time: a timer tick during a slow cycle joins it instead of overlapping.
    running ??= evaluate().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(async () => {
      const started = Date.now();
      try {
        const r = await evaluateOnce();
        if (r.errors.length > 0) log.warn("alert evaluation had errors", { errors: r.errors });
        options.onReport?.(r);
      } catch (error) {
        log.error("alert evaluation failed", { error });
      }
      // Keep the cadence: the next run starts one interval after this one started.
      schedule(Math.max(0, intervalMs - (Date.now() - started)));
    }, delay);
    timer.unref();
  }

  return {
    lock,
    evaluateOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
      await lock.release().catch(() => undefined);
    },
  };
}

function defaultLogger(): Logger {
  const env = process.env.GENLEDGER_LOG_LEVEL;
  const level: LogLevel = (LOG_LEVELS as readonly string[]).includes(env ?? "") ? (env as LogLevel) : "info";
  return createLogger({ level, base: { service: "alerts" } });
}

/** The event of a firing (for re-delivery from the history). */
export function firingEvent(firing: AlertFiring): AlertEvent {
  const { id: _id, deliveryStatus: _s, deliveryAttempts: _a, deliveryError: _e, ...event } = firing;
  return event;
}
