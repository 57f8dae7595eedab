import { createHmac } from "node:crypto";
import type { AlertEvent, FetchLike, WebhookTarget } from "./types.ts";

/** Retry policy of {@link deliverWebhook}. */
export interface DeliveryOptions {
  fetch?: FetchLike;
  /** Attempts after the first one. Default 4. */
  retries?: number;
  /** First backoff delay; doubles each retry (with jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one delay, also on a server's Retry-After. Default 30 s. */
  maxDelayMs?: number;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Outcome of {@link deliverWebhook}. */
export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** HTTP status of the last attempt; 0 when it never got a response. */
  status: number;
  error: string;
}

/** The generic JSON body: the event with ISO dates, under a stable `type`. */
export function jsonPayload(event: AlertEvent): Record<string, unknown> {
  return { type: "genledger.alert", ...event, firedAt: event.firedAt.toISOString() };
}

/** A Slack-compatible incoming-webhook body (`text` for notifications, `blocks` for the message). */
export function slackPayload(event: AlertEvent): { text: string; blocks: unknown[] } {
  const icon =
    event.severity === "critical"
      ? ":rotating_light:"
      : event.severity === "warning"
        ? ":warning:"
        : ":information_source:";
  const facts = Object.entries(event.details)
    .slice(0, 10)
    .map(([k, v]) => `*${k}*: ${String(v)}`)
    .join("\n");
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: `${event.title}`.slice(0, 150) } },
    { type: "section", text: { type: "mrkdwn", text: `${icon} ${event.message}` } },
  ];
  if (facts) blocks.push({ type: "section", text: { type: "mrkdwn", text: facts } });
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `${event.kind} · ${event.projectId} · ${event.firedAt.toISOString()} · <${event.evidenceUrl}|evidence>`,
      },
    ],
  });
  return { text: `${icon} ${event.title}: ${event.message}`, blocks };
}

/**
 * POSTs an alert to one webhook, retrying network errors, timeouts, 429 and 5xx with exponential
 * backoff (honouring Retry-After). Other 4xx are the receiver saying no: not retried.
 * Never throws; the result says what happened.
 */
export async function deliverWebhook(
  target: WebhookTarget,
  event: AlertEvent,
  options: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const body = JSON.stringify(target.format === "slack" ? slackPayload(event) : jsonPayload(event));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "genledger-alerts",
    "x-genledger-dedup-key": event.dedupKey,
  };
  if (target.secret)
    headers["x-genledger-signature"] =
      `sha256=${createHmac("sha256", target.secret).update(body).digest("hex")}`;

  let status = 0;
  let error = "";
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    let retryAfterMs: number | null = null;
    try {
      const response = await doFetch(target.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      await response.text().catch(() => "");
      if (status >= 200 && status < 300) return { ok: true, attempts: attempt, status, error: "" };
      error = `HTTP ${status}`;
      if (status !== 429 && status < 500) return { ok: false, attempts: attempt, status, error };
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    } catch (e) {
      status = 0;
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    if (attempt <= retries) {
      const backoff = base * 2 ** (attempt - 1);
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      await sleep(Math.min(cap, retryAfterMs ?? jittered));
    }
  }
  return { ok: false, attempts: retries + 1, status, error };
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * A webhook target from a URL (e.g. `GENLEDGER_ALERT_WEBHOOK_URL`): Slack incoming-webhook URLs
 * (`hooks.slack.com`) get the Slack format, everything else generic JSON.
 */
export function webhookTarget(url: string, secret?: string): WebhookTarget {
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    throw new RangeError(`alert webhook URL is not a URL: "${url}"`);
  }
  return { url, format: host === "hooks.slack.com" ? "slack" : "json", ...(secret ? { secret } : {}) };
}
