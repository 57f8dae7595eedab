// The built dashboard in a real Chromium: sign-in, the generation page, live completion of a pending
// generation, hostile text, and screenshots of the main pages (docs/screenshots).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { StoredSpan } from "@genledger/clickhouse";
import { formatUsd, type Generation } from "@genledger/core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchBrowser, type TestBrowser } from "./support/browser.ts";
import {
  ADMIN,
  backgroundGenerations,
  type DashboardFixture,
  makeGeneration,
  richGeneration,
  seed,
  startDashboard,
  XSS_TEXT,
} from "./support/seed-dashboard.ts";
import { screenshotDir } from "./support/services.ts";

const SCREENSHOTS = screenshotDir;

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // caret "initial": hiding it injects styles that can race with hydration and look like a mismatch.
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), caret: "initial" });
}

describe.skipIf(!hasChromium())("dashboard in a browser", () => {
  let fx: DashboardFixture;
  let browser: TestBrowser;
  let page: Page;
  let rich: { generation: Generation; spans: StoredSpan[] };
  let xss: Generation;
  /** Final records seeded so far, to check the pages' sums against. */
  const finals: Generation[] = [];

  beforeAll(async () => {
    fx = await startDashboard();
    rich = await richGeneration(fx.blobs);
    xss = makeGeneration({
      userId: "mallory",
      prompt: {
        system: XSS_TEXT,
        messages: [{ role: "user", parts: [{ type: "text", content: XSS_TEXT }] }],
        tools: [],
      },
      output: { messages: [{ role: "assistant", parts: [{ type: "text", content: XSS_TEXT }] }] },
    });
    const generations = [rich.generation, xss, ...backgroundGenerations(80)];
    finals.push(...generations);
    await seed(fx.store, generations, rich.spans);
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it("sends an anonymous visitor to sign in, refuses a wrong password, then signs in", async () => {
    await page.goto(`${fx.url}/generations`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await screenshot(page, "login");
    await page.fill('input[name="email"]', ADMIN.email);
    await page.fill('input[name="password"]', "not the password");
    await page.click('button[type="submit"]');
    await page.getByTestId("login-error").waitFor();
    expect(await page.getByTestId("login-error").textContent()).toContain("do not match");
    await page.fill('input[name="password"]', ADMIN.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${fx.url}/generations`);
    await page.getByTestId("generation-table").waitFor();
    expect(await page.getByTestId("generation-row").count()).toBeGreaterThan(10);
  });

  it("shows a generation's prompt, output, image, cost and steps", async () => {
    const g = rich.generation;
    const response = await page.goto(`${fx.url}/generation/${g.id}`);
    expect(response?.status()).toBe(200);
    const prompt = page.getByTestId("prompt");
    await expect
      .poll(() => prompt.textContent(), { timeout: 15_000 })
      .toContain("Plan a sunny weekend in Lisbon for two.");
    expect(await prompt.textContent()).toContain("You are a concise travel planner.");
    expect(await prompt.textContent()).toContain("getWeather");

    const output = page.getByTestId("output");
    expect(await output.locator("h2", { hasText: "Lisbon weekend" }).count()).toBe(1);
    expect(await output.locator("strong", { hasText: "Saturday" }).count()).toBe(1);
    const link = output.locator("a", { hasText: "Visit Lisboa" });
    expect(await link.getAttribute("href")).toBe("https://www.visitlisboa.com/");
    expect(await link.getAttribute("rel")).toContain("nofollow");
    expect(await output.locator("details summary", { hasText: "Reasoning" }).count()).toBe(1);

    const image = output.getByTestId("blob-image");
    await expect
      .poll(() =>
        image.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
      )
      .toBe(96);

    expect(await page.getByTestId("cost-total").textContent()).toBe("$0.00948");
    expect(await page.getByTestId("cost").textContent()).toContain("openai/gpt-4o@2024-08-06");
    expect(await page.getByTestId("usage").textContent()).toContain("1,840");

    const steps = page.getByTestId("span-row");
    expect(await steps.count()).toBe(rich.spans.length);
    expect(await page.getByTestId("waterfall").textContent()).toContain("getWeather");
    const barHeights = await page
      .locator(".waterfall .bar")
      .evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().height));
    expect(barHeights.every((h) => h > 0)).toBe(true);
    await screenshot(page, "generation");
  });

  it("updates a pending generation on the open page when its final record arrives", async () => {
    const pending = makeGeneration({
      status: "pending",
      userId: "alice@acme.test",
      output: { messages: [] },
      cost: null,
      priceEntry: "",
      finishedAt: null,
      latencyMs: null,
      finishReason: "",
    });
    await seed(fx.store, [pending]);
    await page.goto(`${fx.url}/generation/${pending.id}`);
    await page.getByTestId("pending-notice").waitFor();
    expect(await page.locator('[data-status="pending"]').count()).toBeGreaterThan(0);
    // A marker that a reload would wipe: the update must arrive without one.
    await page.evaluate(() => {
      (globalThis as unknown as { __noReload: boolean }).__noReload = true;
    });
    const final: Generation = {
      ...pending,
      status: "complete",
      output: {
        messages: [{ role: "assistant", parts: [{ type: "text", content: "The final answer arrived." }] }],
      },
      finishedAt: new Date(),
      latencyMs: 2100,
      finishReason: "stop",
      cost: {
        total: 500_000,
        input: 200_000,
        output: 300_000,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
        image: 0,
      },
      priceEntry: "openai/gpt-4o@2024-08-06",
    };
    finals.push(final);
    await seed(fx.store, [final]);
    await page.locator('.page-header [data-status="complete"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("output").textContent()).toContain("The final answer arrived.");
    expect(await page.getByTestId("pending-notice").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(
      true,
    );
  });

  it("says a generation without reported usage has an unknown cost, and an unpriced model lacks a price", async () => {
    // Aborted before the provider sent usage, as the collector records it: the model has a price.
    const aborted = makeGeneration({
      status: "aborted",
      output: { messages: [] },
      finishReason: "",
      usage: {},
      cost: null,
      unpriced: true,
      priceEntry: "",
      warnings: ["no token usage reported (aborted before the provider sent usage): cost unknown"],
    });
    const unknownModel = makeGeneration({
      provider: "newco",
      model: "mystery-1",
      cost: null,
      unpriced: true,
      priceEntry: "",
    });
    finals.push(aborted, unknownModel);
    await seed(fx.store, [aborted, unknownModel]);

    await page.goto(`${fx.url}/generation/${aborted.id}`);
    const cost = page.getByTestId("cost");
    await cost.getByTestId("cost-unknown").waitFor({ timeout: 15_000 });
    expect(await cost.textContent()).toContain("never reported token usage");
    expect(await cost.textContent()).toContain("aborted");
    expect(await cost.textContent()).not.toContain("No price entry");
    expect(await cost.textContent()).not.toMatch(/add a price/i);

    await page.goto(`${fx.url}/generation/${unknownModel.id}`);
    await expect
      .poll(() => cost.textContent(), { timeout: 15_000 })
      .toContain("No price entry matched newco/mystery-1");
    expect(await cost.getByTestId("cost-unknown").count()).toBe(0);

    // The costs page names the model without a price, and counts the call without usage apart
    // (its model has a price: it is not listed as one lacking it).
    await page.goto(`${fx.url}/costs?range=7d`);
    const models = page.getByTestId("unpriced-models");
    await expect.poll(() => models.textContent(), { timeout: 15_000 }).toContain("newco/mystery-1 (1)");
    expect(await models.textContent()).not.toContain(`${aborted.provider}/${aborted.model}`);
    expect(await page.getByTestId("no-usage").textContent()).toMatch(/^\s*1 reported no token usage/);
  });

  it("renders script tags and javascript: links in prompts and outputs as text, running nothing", async () => {
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${fx.url}/generation/${xss.id}`);
    const prompt = page.getByTestId("prompt");
    await expect
      .poll(() => prompt.textContent(), { timeout: 15_000 })
      .toContain("<script>window.__xss = 'script'</script>");
    expect(await prompt.textContent()).toContain("[x](javascript:alert(1))");
    const output = page.getByTestId("output");
    expect(await output.textContent()).toContain("<script>window.__xss = 'script'</script>");
    expect(await output.textContent()).toContain("onerror");
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator("img[onerror]").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    // The Markdown link text is there, but not as a link; clicking it does nothing.
    await output.getByText("click me").click();
    await output.getByText("x", { exact: true }).click();
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: string }).__xss)).toBeUndefined();
  });

  it("answers an unknown generation ID with a 404 page that says what to do, and shows the record once it arrives", async () => {
    const response = await page.goto(`${fx.url}/generation/no_such_generation_1`);
    expect(response?.status()).toBe(404);
    const text = await page.getByTestId("error-page").textContent();
    expect(text).toContain('No generation has the ID "no_such_generation_1"');
    expect(text).toContain("keeps checking");

    // A service may send its user to the page before the call starts: the page appears by itself.
    const early = makeGeneration({
      status: "pending",
      output: { messages: [] },
      cost: null,
      priceEntry: "",
      finishedAt: null,
      latencyMs: null,
    });
    expect((await page.goto(`${fx.url}/generation/${early.id}`))?.status()).toBe(404);
    await seed(fx.store, [early]);
    await page.getByTestId("pending-notice").waitFor({ timeout: 15_000 });
  });

  it("jumps to a pasted ID, filters the list through the address, and shows the other pages", async () => {
    await page.goto(`${fx.url}/generations`);
    await page.fill('input[name="id"]', `  ${fx.url}/generation/${rich.generation.id}  `);
    await page.click('form[action="/go"] button');
    await page.waitForURL(`${fx.url}/generation/${rich.generation.id}`);

    await page.goto(`${fx.url}/generations?model=gpt-4o-mini`);
    const models = await page.locator('[data-testid="generation-row"] td:nth-child(5)').allTextContents();
    expect(models.length).toBeGreaterThan(0);
    expect(new Set(models)).toEqual(new Set(["gpt-4o-mini"]));
    await page.goto(`${fx.url}/generations`);
    await screenshot(page, "generations");

    await page.goto(`${fx.url}/`);
    await page.getByTestId("spend-chart").locator("svg").first().waitFor();
    expect(await page.getByTestId("stat-spend-day").textContent()).toMatch(/\$\d/);
    await screenshot(page, "overview");

    await page.goto(`${fx.url}/users/${encodeURIComponent("alice@acme.test")}`);
    await page.getByTestId("user-spend-chart").locator("svg").first().waitFor();
    // The page sums whole UTC days: today and the 29 before.
    const now = new Date();
    const since = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 29);
    const aliceNanos = finals
      .filter((g) => g.userId === "alice@acme.test" && g.startedAt.getTime() >= since)
      .reduce((sum, g) => sum + BigInt(g.cost?.total ?? 0), 0n);
    expect(await page.getByTestId("user-spend").textContent()).toBe(formatUsd(aliceNanos, 4));
    expect(await page.getByTestId("generation-table").textContent()).toContain(rich.generation.id);
    await screenshot(page, "user");

    await page.goto(`${fx.url}/settings/members`);
    expect(await page.getByTestId("members-table").textContent()).toContain(ADMIN.email);
    await screenshot(page, "members");

    await page.goto(`${fx.url}/settings/keys`);
    await page.fill('input[name="name"]', "checkout-service");
    await page.click('form button[type="submit"]:has-text("Create key")');
    await page.getByTestId("new-key-secret").waitFor();
    expect(await page.getByTestId("new-key-secret").textContent()).toMatch(/^glk_ingest_/);
    await screenshot(page, "keys");
  });

  it("lets an admin add a finance member, who then sees the generation without its text", async () => {
    await page.goto(`${fx.url}/settings/members`);
    const add = page.locator("form", { has: page.locator('input[name="intent"][value="add"]') });
    await add.locator('input[name="email"]').fill("fiona@example.com");
    await add.locator('input[name="name"]').fill("Fiona (finance)");
    await add.locator('select[name="role"]').selectOption("finance");
    await add.locator('input[name="password"]').fill("fiona password 123");
    await add.locator('button[type="submit"]').click();
    await page.locator(".notice.ok", { hasText: "Added fiona@example.com as finance" }).waitFor();

    await page.click("text=Sign out");
    await page.waitForURL(`${fx.url}/login`);
    await page.fill('input[name="email"]', "fiona@example.com");
    await page.fill('input[name="password"]', "fiona password 123");
    await page.click('button[type="submit"]');
    await page.waitForURL(`${fx.url}/`);
    await page.goto(`${fx.url}/generation/${rich.generation.id}`);
    await page.getByTestId("text-hidden").waitFor();
    const html = await page.content();
    expect(html).not.toContain("Plan a sunny weekend");
    expect(html).not.toContain("Lisbon weekend");
    expect(await page.getByTestId("cost-total").textContent()).toBe("$0.00948");
    expect(await page.getByTestId("prompt").count()).toBe(0);
    expect(await page.locator('nav a[href="/settings"]').count()).toBe(0);
    await screenshot(page, "generation-finance");
  });

  it("raised no page errors or console errors", () => {
    // Chromium reports the expected 401 (wrong password) and 404 (unknown ID) as failed resource loads.
    const expected = /Failed to load resource: the server responded with a status of (401|404)/;
    expect(browser.errors.filter((e) => !expected.test(e))).toEqual([]);
  });
});
