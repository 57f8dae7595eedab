import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "./types.ts";
import { deliverWebhook, slackPayload } from "./webhooks.ts";

const event: AlertEvent = {
  kind: "cost_spike",
  ruleId: "r1",
  projectId: "p1",
  dedupKey: "cost_spike:r1",
  severity: "critical",
  title: "Cost spike",
  message: "$40.00 in the last hour, 4.0x the seasonal baseline",
  firedAt: new Date("2026-05-01T12:00:00Z"),
  evidenceUrl: "http://dash.local/costs?from=2026-05-01T11:00:00.000Z",
  details: { currentNanos: "40000000000", ratio: 4 },
};

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server | undefined;
async function stop(): Promise<void> {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}
afterEach(stop);

/** A real HTTP receiver answering with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

const fast = { sleep: async () => {}, baseDelayMs: 1 };

describe("deliverWebhook", () => {
  it("delivers generic JSON, signed when a secret is set", async () => {
    const hook = await receiver([200]);
    const result = await deliverWebhook({ url: hook.url, format: "json", secret: "s3cret" }, event, fast);
    expect(result).toEqual({ ok: true, attempts: 1, status: 200, error: "" });
    const got = hook.received[0]!;
    expect(JSON.parse(got.body)).toMatchObject({
      type: "genledger.alert",
      kind: "cost_spike",
      firedAt: "2026-05-01T12:00:00.000Z",
    });
    expect(got.headers["x-genledger-dedup-key"]).toBe("cost_spike:r1");
    const expected = createHmac("sha256", "s3cret").update(got.body).digest("hex");
    expect(got.headers["x-genledger-signature"]).toBe(`sha256=${expected}`);
  });

  it("retries after a 500 and then succeeds", async () => {
    const hook = await receiver([500, 200]);
    const delays: number[] = [];
    const result = await deliverWebhook({ url: hook.url, format: "slack" }, event, {
      baseDelayMs: 100,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(2);
    expect(hook.received).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    const body = JSON.parse(hook.received[1]!.body);
    expect(body.text).toContain("Cost spike");
    expect(body.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Cost spike" } });
  });

  it("gives up after the retries, and does not retry a 400", async () => {
    const failing = await receiver([503]);
    const r1 = await deliverWebhook({ url: failing.url, format: "json" }, event, { ...fast, retries: 2 });
    expect(r1).toMatchObject({ ok: false, attempts: 3, status: 503, error: "HTTP 503" });
    await stop();
    const rejecting = await receiver([400]);
    const r2 = await deliverWebhook({ url: rejecting.url, format: "json" }, event, fast);
    expect(r2).toMatchObject({ ok: false, attempts: 1, status: 400 });
  });

  it("reports a connection failure without throwing", async () => {
    const r = await deliverWebhook({ url: "http://127.0.0.1:1/nothing", format: "json" }, event, {
      ...fast,
      retries: 1,
    });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(0);
    expect(r.error).not.toBe("");
  });
});

describe("slackPayload", () => {
  it("links the evidence", () => {
    const p = slackPayload(event);
    expect(JSON.stringify(p.blocks)).toContain(
      "<http://dash.local/costs?from=2026-05-01T11:00:00.000Z|evidence>",
    );
  });
});
