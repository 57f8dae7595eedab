// The analytics pages in a real Chromium: the costs charts with data, and budgets managed by admin and
// finance members only.
import { formatUsd, type Generation } from "@genledger/core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchBrowser, type TestBrowser } from "./support/browser.ts";
import {
  ADMIN,
  type DashboardFixture,
  makeGeneration,
  seed,
  signIn,
  startDashboard,
} from "./support/seed-dashboard.ts";

const MEMBERS = {
  finance: { email: "fin@example.com", password: "finance password 123" },
  support: { email: "sup@example.com", password: "support password 123" },
  viewer: { email: "view@example.com", password: "viewer password 123" },
} as const;

describe.skipIf(!hasChromium())("analytics pages in a browser", () => {
  let fx: DashboardFixture;
  let browser: TestBrowser;
  let page: Page;
  const seeded: Generation[] = [];

  beforeAll(async () => {
    fx = await startDashboard();
    const now = Date.now();
    const models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"];
    for (let i = 0; i < 240; i++) {
      const cost = 1_000_000 + i * 10_000;
      seeded.push(
        makeGeneration({
          startedAt: new Date(now - 5 * 60_000 - ((i * 7919) % (13 * 86_400)) * 1000),
          model: models[i % 3],
          provider: i % 3 === 2 ? "anthropic" : "openai",
          userId: `user-${i % 6}`,
          functionId: i % 2 === 0 ? "chat" : "summarize",
          tags: i % 5 === 0 ? ["beta"] : [],
          usage: {
            inputTokens: 300 + i,
            outputTokens: 80,
            cacheReadTokens: i % 4 === 0 ? 100 : 0,
            reasoningTokens: i % 3 === 0 ? 20 : 0,
          },
          cost: { total: cost, input: cost - 200_000, output: 200_000 },
        }),
      );
    }
    await seed(fx.store, seeded);
    const admin = await signIn(fx.url, ADMIN.email, ADMIN.password);
    for (const [role, m] of Object.entries(MEMBERS)) {
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
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  async function signInAs(email: string, password: string): Promise<void> {
    await browser.context.clearCookies();
    await page.goto(`${fx.url}/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => url.pathname !== "/login");
  }

  it("shows spend charts with data, the token mix and top movers", async () => {
    await signInAs(ADMIN.email, ADMIN.password);
    await page.goto(`${fx.url}/costs?range=30d&group_by=model`);
    const chart = page.getByTestId("costs-chart");
    await chart.locator("svg").first().waitFor({ timeout: 15_000 });
    await expect
      .poll(() => chart.locator(".recharts-bar-rectangle").count(), { timeout: 15_000 })
      .toBeGreaterThan(10);
    // One legend entry per model.
    expect(await chart.locator(".recharts-legend-item").allTextContents()).toEqual(
      expect.arrayContaining(["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"]),
    );
    const total = seeded.reduce((s, g) => s + BigInt(g.cost?.total ?? 0), 0n);
    expect(await page.getByTestId("stat-spend").textContent()).toContain(formatUsd(total, 2));
    expect(await page.getByTestId("cost-groups").locator("tbody tr").count()).toBe(3);
    expect(await page.getByTestId("token-mix").textContent()).toContain("Reasoning");
    expect(await page.getByTestId("movers").locator("tr").count()).toBe(3);

    // Another grouping and granularity through the form.
    await page.selectOption('select[name="group_by"]', "user");
    await page.selectOption('select[name="granularity"]', "week");
    await page.click('form[aria-label="Cost filters"] button[type="submit"]');
    await page.waitForURL(/group_by=user/);
    await expect
      .poll(() => page.getByTestId("cost-groups").locator("tbody tr").count(), { timeout: 20_000 })
      .toBe(6);
    await expect
      .poll(() => chart.locator(".recharts-bar-rectangle").count(), { timeout: 20_000 })
      .toBeGreaterThan(5);
    const csv = await page.getByTestId("csv-export").getAttribute("href");
    expect(csv).toMatch(/^\/api\/v1\/costs\.csv\?.*group_by=user/);
    expect(browser.errors).toEqual([]);
  });

  for (const who of ["admin", "finance"] as const) {
    it(`lets ${who} create and edit a budget`, async () => {
      const creds = who === "admin" ? ADMIN : MEMBERS.finance;
      await signInAs(creds.email, creds.password);
      await page.goto(`${fx.url}/budgets`);
      const form = page.getByTestId("budget-form");
      const name = `${who} monthly`;
      await form.locator('input[name="name"]').fill(name);
      await form.locator('select[name="scope"]').selectOption("model");
      await form.locator('input[name="scopeValue"]').fill("gpt-4o");
      await form.locator('select[name="period"]').selectOption("month");
      await form.locator('input[name="amount"]').fill("50");
      await form.locator('button[type="submit"]').click();
      const row = page.locator(`[data-testid="budget-row"][data-name="${name}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain("$50.00");

      await row.getByRole("link", { name: "Edit" }).click();
      await page.waitForURL(/edit=/, { timeout: 20_000 });
      const edit = page.getByTestId("budget-form");
      await expect
        .poll(() => edit.locator('input[name="amount"]').inputValue(), { timeout: 20_000 })
        .toBe("50.00");
      await edit.locator('input[name="amount"]').fill("75.5");
      await edit.locator('input[name="thresholds"]').fill("25, 90");
      await edit.locator('button[type="submit"]').click();
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain("$75.50");
      expect(await row.textContent()).toContain("alerts at 25, 90%");
      expect(browser.errors).toEqual([]);
    });
  }

  for (const who of ["support", "viewer"] as const) {
    it(`shows budgets to ${who} but does not let them change any`, async () => {
      const creds = MEMBERS[who];
      await signInAs(creds.email, creds.password);
      await page.goto(`${fx.url}/budgets`);
      await page.getByTestId("budgets-table").waitFor();
      expect(await page.getByTestId("budget-form").count()).toBe(0);
      expect(await page.getByRole("link", { name: "Edit" }).count()).toBe(0);
      // Posting the form anyway is refused on the server.
      const session = await signIn(fx.url, creds.email, creds.password);
      const refused = await session.post("/budgets", {
        _csrf: session.csrf,
        intent: "create",
        name: "sneaky",
        scope: "all",
        period: "day",
        amount: "1",
      });
      expect(refused.status).toBe(403);
      await page.reload();
      expect(await page.locator('[data-name="sneaky"]').count()).toBe(0);
    });
  }
});
