import type { AlertKind } from "@genledger/clickhouse";

/** How loud an alert is. */
export type AlertSeverity = "info" | "warning" | "critical";

/** One alert, as delivered to webhooks and recorded in `alert_firings`. */
export interface AlertEvent {
  kind: AlertKind;
  /** The rule that produced it ("" for built-in budget alerts, which belong to the budget). */
  ruleId: string;
  projectId: string;
  /** Same key = same alert: suppressed while its cooldown runs. */
  dedupKey: string;
  severity: AlertSeverity;
  title: string;
  message: string;
  firedAt: Date;
  /** Dashboard path (or absolute URL when a base URL is configured) showing the evidence. */
  evidenceUrl: string;
  /** The numbers behind the alert. */
  details: Record<string, string | number | boolean>;
}

/** Where and how an alert is delivered. */
export interface WebhookTarget {
  url: string;
  /** `json`: the event as JSON. `slack`: a Slack-compatible `{ text, blocks }` message. */
  format: "json" | "slack";
  /** When set, the JSON body is signed: `x-genledger-signature: sha256=<hex HMAC of the body>`. */
  secret?: string;
}

/** A `fetch` as the alerts call it (injectable for tests). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;
