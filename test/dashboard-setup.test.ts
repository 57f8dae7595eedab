// First start without GENLEDGER_ADMIN_EMAIL: the dashboard logs a one-time /setup link that creates
// the first admin, and the link stops working once used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfFrom, type DashboardFixture, signIn, startDashboard } from "./support/seed-dashboard.ts";

describe("first-admin setup link", () => {
  let fx: DashboardFixture;
  const logged: string[] = [];

  beforeAll(async () => {
    const logger = {
      info: (m: string) => logged.push(m),
      warn: (m: string) => logged.push(m),
      error: (m: string) => logged.push(m),
    };
    fx = await startDashboard({ adminEmail: undefined, adminPassword: undefined, logger });
  });

  afterAll(async () => {
    await fx?.close();
  });

  it("logs a one-time link, creates the admin through it, then refuses it", async () => {
    const line = logged.find((m) => m.includes("/setup?token="));
    expect(line).toBeTruthy();
    const token = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(line ?? "")?.[1] as string;

    const login = await (await fetch(`${fx.url}/login`)).text();
    expect(login).toContain("No admin exists yet");
    expect((await fetch(`${fx.url}/setup?token=wrong${token}`)).status).toBe(403);

    const page = await fetch(`${fx.url}/setup?token=${token}`);
    expect(page.status).toBe(200);
    const cookie = page.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const form = {
      _csrf: csrfFrom(await page.text()),
      token,
      name: "Ana",
      email: "Ana@Example.com",
      password: "a long enough password",
      confirm: "a long enough password",
    };
    const post = (fields: Record<string, string>) =>
      fetch(`${fx.url}/setup`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, Origin: fx.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
    expect((await post({ ...form, confirm: "something else" })).status).toBe(400);
    const created = await post(form);
    expect(created.status).toBe(302);
    expect(created.headers.get("location")).toBe("/");
    expect(created.headers.getSetCookie()[0]).toMatch(/^genledger_session=.*HttpOnly.*SameSite=Lax/i);

    // Used once: the same link no longer creates anyone.
    expect((await post({ ...form, email: "mallory@example.com" })).status).toBe(403);
    expect(await (await fetch(`${fx.url}/setup?token=${token}`)).text()).toContain("Setup is already done");

    const admin = await signIn(fx.url, "ana@example.com", "a long enough password");
    const members = await (await admin.get("/settings/members")).text();
    expect(members).toContain("ana@example.com");
    expect(members).not.toContain("mallory@example.com");
  });
});
