import { randomUUID } from "node:crypto";
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

interface FiringRow {
  project_id: string;
  fired_at: string;
  id: string;
  rule_id: string;
  kind: string;
  dedup_key: string;
  severity: string;
  title: string;
  message: string;
  details: string;
  evidence_url: string;
  delivery_status: string;
  delivery_attempts: number;
  delivery_error: string;
}

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
  const rows = await selectRows<FiringRow>(
    store,
    `SELECT * FROM alert_firings FINAL
     WHERE ({projectId:String} = '' OR project_id = {projectId:String})
       AND ({ruleId:String} = '' OR rule_id = {ruleId:String})
       AND ({kind:String} = '' OR kind = {kind:String})
       AND fired_at >= {from:DateTime64(3, 'UTC')} AND fired_at < {to:DateTime64(3, 'UTC')}
     ORDER BY fired_at DESC, id LIMIT {limit:UInt32}`,
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
  const rows = await selectRows<{ dedup_key: string; last: string }>(
    store,
    `SELECT dedup_key, max(fired_at) AS last FROM alert_firings
     WHERE fired_at >= {since:DateTime64(3, 'UTC')} GROUP BY dedup_key`,
    { since: chTime(since) },
  );
  return new Map(rows.map((r) => [r.dedup_key, parseChTime(r.last)]));
}
