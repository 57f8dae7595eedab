// The analytics pages over HTTP (no browser): roles, CSRF-checked actions, validation messages.
import { listAlertRules, listRepriceAudit } from "@genledger/clickhouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  type DashboardFixture,
  type HttpSession,
  makeGeneration,
  seed,
  signIn,
  startDashboard,
} from "./support/seed-dashboard.ts";

/** Page HTML without React's text separators (`<!-- -->`), for matching sentences. */
const text = (html: string) => html.replaceAll("<!-- -->", "");

const FINANCE = { email: "fin2@example.com", password: "finance password 123" };
const VIEWER = { email: "view2@example.com", password: "viewer password 123" };

describe("analytics pages", () => {
  let fx: DashboardFixture;
  let admin: HttpSession;
  let finance: HttpSession;
  let viewer: HttpSession;

  beforeAll(async () => {
    fx = await startDashboard();
    const now = Date.now();
    await seed(
      fx.store,
      Array.from({ length: 60 }, (_, i) =>
        makeGeneration({
          startedAt: new Date(now - 3_600_000 - i * 600_000),
          provider: "acme",
          model: "widget-1",
          userId: `u${i % 3}`,
          usage: { inputTokens: 1000, outputTokens: 100 },
          cost: null,
          unpriced: true,
          priceEntry: "",
        }),
      ),
    );
    admin = await signIn(fx.url, ADMIN.email, ADMIN.password);
    for (const [m, role] of [
      [FINANCE, "finance"],
      [VIEWER, "viewer"],
    ] as const) {
      const added = await admin.post("/settings/members", {
        _csrf: admin.csrf,
        intent: "add",
        email: m.email,
        name: role,
        role,
        password: m.password,
      });
      expect(added.status).toBe(200);
    }
    finance = await signIn(fx.url, FINANCE.email, FINANCE.password);
    viewer = await signIn(fx.url, VIEWER.email, VIEWER.password);
  });
  afterAll(async () => fx?.close());

  it("lets admin and finance manage alert rules, validates them, and refuses a viewer", async () => {
    const fields = (s: HttpSession, name: string) => ({
      _csrf: s.csrf,
      intent: "create",
      name,
      kind: "cost_spike",
      params: "ratio=3, model=gpt-4o",
      webhookUrl: "https://hooks.slack.com/services/T/B/secret-path",
      webhookFormat: "slack",
      cooldownMinutes: "30",
      enabled: "on",
    });
    expect((await admin.post("/alerts", fields(admin, "Admin rule"))).status).toBe(200);
    expect((await finance.post("/alerts", fields(finance, "Finance rule"))).status).toBe(200);
    expect((await viewer.post("/alerts", fields(viewer, "Viewer rule"))).status).toBe(403);
    // A form without the session's CSRF token is refused.
    expect((await admin.post("/alerts", { ...fields(admin, "No token"), _csrf: "forged" })).status).toBe(403);
    const bad = await admin.post("/alerts", { ...fields(admin, "Bad"), params: "ratio=-2" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("alert rule param ratio must be a number");

    const rules = await listAlertRules(fx.store, { projectId: "default" });
    expect(rules.map((r) => r.name).sort()).toEqual(["Admin rule", "Finance rule"]);
    expect(rules[0]).toMatchObject({
      params: { ratio: 3, model: "gpt-4o" },
      cooldownSeconds: 1800,
      webhookFormat: "slack",
    });
    // The viewer sees the rules, but not the webhook path (the Slack secret) nor a form.
    const page = await (await viewer.get("/alerts")).text();
    expect(page).toContain("Admin rule");
    expect(page).toContain("hooks.slack.com (slack)");
    expect(page).not.toContain("secret-path");
    expect(page).not.toContain('data-testid="rule-form"');
  });

  it("lets only admins reprice, previews first, then applies and audits", async () => {
    expect((await finance.get("/costs/reprice")).status).toBe(403);
    const entry = JSON.stringify({
      id: "acme/widget-1@fix",
      provider: "acme",
      match: ["widget-1"],
      input: "1.00",
      output: "4.00",
      effectiveFrom: "2020-01-01",
    });
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 16);
    const to = new Date().toISOString().slice(0, 16);
    const form = { _csrf: admin.csrf, from, to, provider: "", model: "", entry };
    const preview = await admin.post("/costs/reprice", { ...form, intent: "preview" });
    expect(preview.status).toBe(200);
    const previewText = text(await preview.text());
    expect(previewText).toContain("Preview: ");
    expect(previewText).toContain("60 generations of acme/widget-1 (0 had a price)");
    expect(await listRepriceAudit(fx.store)).toEqual([]);
    const applied = await admin.post("/costs/reprice", { ...form, intent: "apply" });
    expect(text(await applied.text())).toContain("Applied: 60 generations");
    const audit = await listRepriceAudit(fx.store);
    expect(audit).toHaveLength(1);
    // 1000 input at $1/M + 100 output at $4/M = $0.0014 each.
    expect(audit[0]).toMatchObject({
      actor: ADMIN.email,
      generations: 60,
      beforeNanos: 0n,
      afterNanos: 60n * 1_400_000n,
    });
    const bad = await admin.post("/costs/reprice", { ...form, intent: "apply", entry: '{"id":"x"}' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("price entry");
    // The costs page no longer shows unpriced usage for that model.
    const costs = await (await admin.get("/costs?range=7d")).text();
    expect(costs).not.toContain('data-testid="unpriced-callout"');
  });

  it("serves the budgets to the budget guard as JSON", async () => {
    const created = await admin.post("/budgets", {
      _csrf: admin.csrf,
      intent: "create",
      name: "Hard daily",
      scope: "user",
      scopeValue: "u1",
      period: "day",
      amount: "2.5",
      thresholds: "80, 100",
      enforcement: "hard",
    });
    expect(created.status).toBe(200);
    const response = await viewer.get("/api/v1/budgets");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      guard: [
        {
          name: "Hard daily",
          scope: { userId: "u1" },
          period: "day",
          limitNanos: 2_500_000_000,
          mode: "hard",
        },
      ],
      skipped: [],
    });
    expect((await fetch(`${fx.url}/api/v1/budgets`)).status).toBe(401);
  });

  it("renders every page for a viewer, and a bad costs parameter as a message", async () => {
    for (const path of ["/costs", "/abuse?window=7d", "/budgets", "/alerts"]) {
      expect((await viewer.get(path)).status, path).toBe(200);
    }
    const costs = await viewer.get("/costs?granularity=fortnight");
    expect(costs.status).toBe(200);
    expect(await costs.text()).toContain("granularity: expected one of hour, day, week, month");
  });
});
