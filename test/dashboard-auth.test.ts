// Access control of the built dashboard over HTTP: every route refuses anonymous requests, actions need
// the CSRF token and a same-origin Origin, finance members never receive prompt text, API keys, rate limit.

import type { StoredSpan } from "@genledger/clickhouse";
import type { Generation } from "@genledger/core";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routes from "../dashboard/app/routes.ts";
import {
  ADMIN,
  csrfFrom,
  type DashboardFixture,
  type HttpSession,
  makeGeneration,
  richGeneration,
  seed,
  signIn,
  startDashboard,
} from "./support/seed-dashboard.ts";

/** Every URL pattern in the route config, nested routes included. */
function routePaths(entries: RouteConfigEntry[], prefix = ""): string[] {
  return entries.flatMap((entry) => {
    const path = entry.index ? prefix || "/" : `${prefix}/${entry.path ?? ""}`.replace(/\/+/g, "/");
    return [path, ...routePaths(entry.children ?? [], path === "/" ? "" : path)];
  });
}

/** The part of `GET /api/v1/generations/:id` the tests read. */
interface ApiGeneration {
  generation: { id: string; textHidden: boolean; prompt?: unknown };
}

const PUBLIC = new Set(["/login", "/setup"]);
const FINANCE = { email: "finance@example.com", password: "finance password 123" };

describe("dashboard access control", () => {
  let fx: DashboardFixture;
  let admin: HttpSession;
  let rich: { generation: Generation; spans: StoredSpan[] };
  const secretText = "Plan a sunny weekend in Lisbon for two.";

  beforeAll(async () => {
    fx = await startDashboard({ loginAttemptsPerMinute: 5 });
    rich = await richGeneration(fx.blobs);
    await seed(fx.store, [rich.generation], rich.spans);
    admin = await signIn(fx.url, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await fx?.close();
  });

  it("redirects every page to sign-in and refuses every API and file route with 401, for any method", async () => {
    const patterns = routePaths(routes);
    expect(patterns).toContain("/generation/:id");
    expect(patterns).toContain("/api/v1/generations/:id");
    const blobId = `sha256:${"a".repeat(64)}`;
    for (const pattern of patterns) {
      const path = pattern
        .replace(":id", pattern.startsWith("/blobs") ? blobId : rich.generation.id)
        .replace(/:\w+/g, "x")
        .replace("*", "no-such-page");
      for (const method of ["GET", "POST"]) {
        const response = await fetch(`${fx.url}${path}`, {
          method,
          redirect: "manual",
          headers: { Origin: fx.url, "Content-Type": "application/x-www-form-urlencoded" },
          body: method === "POST" ? "intent=add&email=x%40y.z&role=admin&password=abcdefghijklmn" : undefined,
        });
        const body = await response.text();
        const where = `${method} ${path}`;
        expect(body, where).not.toContain(secretText);
        if (PUBLIC.has(path)) {
          expect(response.status, where).toBeLessThan(500);
          if (method === "POST") expect(response.status, where).toBe(403); // no CSRF token
        } else if (path.startsWith("/api/")) {
          expect(method === "GET" ? [401] : [401, 405], where).toContain(response.status);
          if (method === "GET") expect(JSON.parse(body).error.status, where).toBe(401);
        } else if (path.startsWith("/blobs/")) {
          expect([401, 405], where).toContain(response.status);
        } else {
          expect(response.status, where).toBe(302);
          expect(response.headers.get("location"), where).toMatch(/^\/login/);
        }
      }
      // Client-side navigations fetch `<path>.data`: same rule.
      if (!PUBLIC.has(path) && !path.startsWith("/api/") && !path.startsWith("/blobs/")) {
        const data = await fetch(`${fx.url}${path === "/" ? "/_root" : path}.data`, { redirect: "manual" });
        const body = await data.text();
        expect(body, `${path}.data`).not.toContain(secretText);
        expect(body, `${path}.data`).toContain("/login");
      }
    }
    // Nobody was added by the anonymous POSTs.
    const members = await (await admin.get("/settings/members")).text();
    expect(members).not.toContain("x@y.z");
  });

  it("refuses an action with a wrong or missing CSRF token, or from another origin (403)", async () => {
    const fields = {
      intent: "add",
      email: "eve@example.com",
      name: "Eve",
      role: "admin",
      password: "eve password 1234",
    };
    const wrong = await admin.post("/settings/members", { ...fields, _csrf: "forged-token" });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("did not come from this dashboard");
    expect((await admin.post("/settings/members", fields)).status).toBe(403);
    const foreign = await admin.post(
      "/settings/members",
      { ...fields, _csrf: admin.csrf },
      { origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    // The same request data-style (as React Router's fetch submissions send it) is refused too.
    const data = await fetch(`${fx.url}/settings/members.data`, {
      method: "POST",
      headers: { Cookie: admin.cookie, Origin: fx.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, _csrf: "forged-token" }),
    });
    expect(await data.text()).toContain("did not come from this dashboard");
    expect(await (await admin.get("/settings/members")).text()).not.toContain("eve@example.com");
    // With the right token and origin, the same action works.
    const ok = await admin.post("/settings/members", { ...fields, role: "viewer", _csrf: admin.csrf });
    expect(ok.status).toBe(200);
    expect(await (await admin.get("/settings/members")).text()).toContain("eve@example.com");
  });

  it("never sends prompt or output text to a finance member, in pages, data requests, the API or files", async () => {
    const added = await admin.post("/settings/members", {
      _csrf: admin.csrf,
      intent: "add",
      email: FINANCE.email,
      name: "Fin",
      role: "finance",
      password: FINANCE.password,
    });
    expect(added.status).toBe(200);
    const finance = await signIn(fx.url, FINANCE.email, FINANCE.password);
    const g = rich.generation;
    const page = await finance.get(`/generation/${g.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("hidden for your role");
    expect(html).toContain("$0.00948"); // cost is visible
    for (const text of [
      secretText,
      "concise travel planner",
      "Lisbon weekend",
      "Saturday is sunny",
      '"city":"Lisbon"',
    ]) {
      expect(html).not.toContain(text);
    }
    const data = await (await finance.get(`/generation/${g.id}.data`)).text();
    expect(data).not.toContain(secretText);
    expect(data).not.toContain("Lisbon weekend");

    const api = (await (await finance.get(`/api/v1/generations/${g.id}`)).json()) as ApiGeneration;
    expect(api.generation.id).toBe(g.id);
    expect(api.generation.textHidden).toBe(true);
    expect(api.generation.prompt).toBeUndefined();
    expect(JSON.stringify(api)).not.toContain("Lisbon weekend");
    expect(JSON.stringify(api)).not.toContain(secretText);
    const list = (await (await finance.get("/api/v1/generations")).json()) as {
      items: Array<{ id: string }>;
    };
    expect(list.items.map((i) => i.id)).toContain(g.id);
    expect(JSON.stringify(list)).not.toContain("Lisbon");
    expect((await finance.get("/api/v1/generations?q=Lisbon")).status).toBe(400);

    const file = g.output.messages[0]?.parts.find((p) => p.type === "file")?.file_id;
    expect(file).toMatch(/^sha256:/);
    expect((await finance.get(`/blobs/${file}`)).status).toBe(403);
    expect((await finance.get("/settings/members")).status).toBe(403);

    // The admin gets the text, and the file with safe headers.
    const full = (await (await admin.get(`/api/v1/generations/${g.id}`)).json()) as ApiGeneration;
    expect(JSON.stringify(full.generation.prompt)).toContain(secretText);
    const blob = await admin.get(`/blobs/${file}`);
    expect(blob.status).toBe(200);
    expect(blob.headers.get("content-type")).toBe("image/png");
    expect(blob.headers.get("x-content-type-options")).toBe("nosniff");
    expect(blob.headers.get("content-disposition")).toMatch(/^inline; filename=/);
  });

  it("authenticates the API with read-scoped keys only, and stops honouring a revoked key", async () => {
    const create = async (scope: "read" | "ingest") => {
      const response = await admin.post("/settings/keys", {
        _csrf: admin.csrf,
        intent: "create",
        name: `test-${scope}`,
        scope,
      });
      expect(response.status).toBe(200);
      const secret = /data-testid="new-key-secret">([^<]+)</.exec(await response.text())?.[1];
      expect(secret).toBeTruthy();
      return secret as string;
    };
    const read = await create("read");
    const ingest = await create("ingest");
    const url = `${fx.url}/api/v1/generations/${rich.generation.id}`;
    const withKey = (key: string) => fetch(url, { headers: { Authorization: `Bearer ${key}` } });
    const ok = await withKey(read);
    expect(ok.status).toBe(200);
    expect(JSON.stringify(await ok.json())).toContain(secretText);
    expect((await withKey(ingest)).status).toBe(403);
    expect((await withKey("glk_not_a_real_key")).status).toBe(401);
    // A key never opens pages.
    const pageWithKey = await fetch(`${fx.url}/generation/${rich.generation.id}`, {
      headers: { Authorization: `Bearer ${read}` },
      redirect: "manual",
    });
    expect(pageWithKey.status).toBe(302);

    const keysPage = await (await admin.get("/settings/keys")).text();
    expect(keysPage).not.toContain(read); // the secret is shown once only
    const id = /name="id" value="([^"]+)"/.exec(keysPage)?.[1];
    expect(id).toBeTruthy();
    // Revoke every key listed; the read key among them.
    for (const match of keysPage.matchAll(/name="id" value="([^"]+)"/g)) {
      expect(
        (await admin.post("/settings/keys", { _csrf: admin.csrf, intent: "revoke", id: match[1] as string }))
          .status,
      ).toBe(200);
    }
    expect((await withKey(read)).status).toBe(401);
  });

  it("pages the list API with a cursor, filters it, and names a bad parameter", async () => {
    const mine = Array.from({ length: 5 }, (_, i) =>
      makeGeneration({
        userId: "pager",
        startedAt: new Date(Date.now() - (i + 1) * 60_000),
        cost: { total: (i + 1) * 1000, input: (i + 1) * 1000 },
      }),
    );
    await seed(fx.store, mine);
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 5; page++) {
      const response = await admin.get(
        `/api/v1/generations?user=pager&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      const body = (await response.json()) as { items: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.id));
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(mine.map((g) => g.id)); // newest first, no gaps or repeats
    const expensive = (await (await admin.get("/api/v1/generations?user=pager&minCost=0.000004")).json()) as {
      items: Array<{ id: string }>;
    };
    expect(expensive.items.map((i) => i.id).sort()).toEqual([mine[3]?.id, mine[4]?.id].sort());
    const bad = await admin.get("/api/v1/generations?status=finished");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^status: expected one of/,
    );
  });

  it("limits sign-in attempts per IP and e-mail", async () => {
    const attempt = async (password: string) => {
      const login = await fetch(`${fx.url}/login`);
      const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
      return fetch(`${fx.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, Origin: fx.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          _csrf: csrfFrom(await login.text()),
          email: "victim@example.com",
          password,
        }),
      });
    };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it("ends the sessions of a removed member at their next request", async () => {
    const eve = await signIn(fx.url, "eve@example.com", "eve password 1234");
    expect((await eve.get("/generations")).status).toBe(200);
    const removed = await admin.post("/settings/members", {
      _csrf: admin.csrf,
      intent: "remove",
      email: "eve@example.com",
    });
    expect(removed.status).toBe(200);
    const after = await eve.get("/generations");
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/login/);
  });

  it("signs out only with the CSRF token", async () => {
    const viewer = await signIn(fx.url, FINANCE.email, FINANCE.password);
    expect((await viewer.post("/logout", { _csrf: "nope" })).status).toBe(403);
    expect((await viewer.get("/generations")).status).toBe(200);
    const out = await viewer.post("/logout", { _csrf: viewer.csrf });
    expect(out.status).toBe(302);
    viewer.cookie = out.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    expect((await viewer.get("/generations")).status).toBe(302);
  });
});
