import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AlertKind } from "./alert-rules.ts";
import { type AnalyticsStore, chTime, insertRows, nextVersion, parseChTime, selectRows } from "./sql.ts";

/** Delivery state of a firing. `none`: the rule has no webhook. */
export type DeliveryStatus = "pending" | "delivered" | "failed" | "none";

/** One alert that fired. */
export interface AlertFiring {
  id: string;
  projectId: string;
  ruleId: string;
  kind: AlertKind;
  dedupKey: string;
  severity: "info" | "warning" | "critical";
  title: string;
  message: string;
  details: Record<string, string | number | boolean>;
  evidenceUrl: string;
  firedAt: Date;
  deliveryStatus: DeliveryStatus;
  deliveryAttempts: number;
  deliveryError: string;
}

const FiringRow = z.object({
  project_id: z.string(),
  fired_at: z.string(),
  id: z.string(),
  rule_id: z.string(),
  kind: z.string(),
  dedup_key: z.string(),
  severity: z.string(),
  title: z.string(),
  message: z.string(),
  details: z.string(),
  evidence_url: z.string(),
  delivery_status: z.string(),
  delivery_attempts: z.coerce.number(),
  delivery_error: z.string(),
});

/** A new firing's ID. */
export function newFiringId(): string {
  return randomUUID();
}

/**
 * Writes a firing (again, after delivery, with the new status: the higher version wins).
 * `fired_at` and `id` must not change between the writes.
 */
export async function recordFiring(store: AnalyticsStore, firing: AlertFiring): Promise<void> {
  await insertRows(store, "alert_firings", [
    {
      project_id: firing.projectId,
      fired_at: chTime(firing.firedAt),
      id: firing.id,
      rule_id: firing.ruleId,
      kind: firing.kind,
      dedup_key: firing.dedupKey,
      severity: firing.severity,
      title: firing.title,
      message: firing.message,
      details: JSON.stringify(firing.details),
      evidence_url: firing.evidenceUrl,
      delivery_status: firing.deliveryStatus,
      delivery_attempts: Math.min(255, firing.deliveryAttempts),
      delivery_error: firing.deliveryError.slice(0, 1000),
      version: nextVersion().toString(),
    },
  ]);
}

/** Filter of {@link listFirings}. */
export interface FiringFilter {
  projectId?: string;
  ruleId?: string;
  kind?: AlertKind;
  from?: Date;
  to?: Date;
  limit?: number;
}

/** Firing history, newest first. */
export async function listFirings(store: AnalyticsStore, filter: FiringFilter = {}): Promise<AlertFiring[]> {
  const limit = Math.min(Math.max(1, filter.limit ?? 100), 10_000);
  const rows = await selectRows(
    store,
    `SELECT project_id, fired_at, id, rule_id, kind, dedup_key, severity, title, message, details, evidence_url, delivery_status, delivery_attempts, delivery_error FROM alert_firings FINAL
     WHERE ({projectId:String} = '' OR project_id = {projectId:String})
       AND ({ruleId:String} = '' OR rule_id = {ruleId:String})
       AND ({kind:String} = '' OR kind = {kind:String})
       AND fired_at >= {from:DateTime64(3, 'UTC')} AND fired_at < {to:DateTime64(3, 'UTC')}
     ORDER BY fired_at DESC, id LIMIT {limit:UInt32}`,
    FiringRow,
    {
      projectId: filter.projectId ?? "",
      ruleId: filter.ruleId ?? "",
      kind: filter.kind ?? "",
      from: chTime(filter.from ?? new Date(0)),
      to: chTime(filter.to ?? new Date("2200-01-01T00:00:00Z")),
      limit,
    },
  );
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    ruleId: r.rule_id,
    kind: r.kind as AlertKind,
    dedupKey: r.dedup_key,
    severity: r.severity as AlertFiring["severity"],
    title: r.title,
    message: r.message,
    details: JSON.parse(r.details || "{}") as AlertFiring["details"],
    evidenceUrl: r.evidence_url,
    firedAt: parseChTime(r.fired_at),
    deliveryStatus: r.delivery_status as DeliveryStatus,
    deliveryAttempts: Number(r.delivery_attempts),
    deliveryError: r.delivery_error,
  }));
}

/** Latest firing time per dedup key since `since`: what the cooldowns are checked against. */
export async function lastFiredByKey(store: AnalyticsStore, since: Date): Promise<Map<string, Date>> {
  const rows = await selectRows(
    store,
    `SELECT dedup_key, toString(max(fired_at)) AS last FROM alert_firings
     WHERE fired_at >= {since:DateTime64(3, 'UTC')} GROUP BY dedup_key`,
    z.object({ dedup_key: z.string(), last: z.string() }),
    { since: chTime(since) },
  );
  return new Map(rows.map((r) => [r.dedup_key, parseChTime(r.last)]));
}
