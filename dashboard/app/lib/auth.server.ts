import { timingSafeEqual } from "node:crypto";
import { findApiKey } from "@genledger/clickhouse";
import { type MiddlewareFunction, type RouterContextProvider, redirect, type Session } from "react-router";
import { clientAddressContext, principalContext, servicesContext } from "../context.ts";
import { isLocalPath, jsonError, pageError } from "./http.server.ts";
import type { Access, Principal, SessionMember } from "./principal.ts";
import { canSeeText, type Role } from "./roles.ts";
import type { DashboardServices, SessionData } from "./services.server.ts";

type Context = Readonly<RouterContextProvider>;

/** Paths anyone may open: signing in and the one-time first-admin setup. */
const PUBLIC_PATHS = new Set(["/login", "/setup"]);

/** True for routes that answer JSON (401 instead of a redirect to the sign-in page). */
function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/");
}

/** True for non-page resources that should be refused, not redirected (`<img src>` cannot follow to a form). */
function isResourcePath(pathname: string): boolean {
  return pathname.startsWith("/blobs/");
}

/** Reads the session cookie and resolves the member; null when absent, expired or removed. */
export async function readSession(
  services: DashboardServices,
  request: Request,
): Promise<{ session: Session<SessionData>; member: SessionMember | null }> {
  const session = await services.sessions.getSession(request.headers.get("Cookie"));
  const email = session.get("email");
  const signedInAt = session.get("signedInAt") ?? 0;
  if (!email || Date.now() - signedInAt > services.sessionMaxAgeSeconds * 1000)
    return { session, member: null };
  const member = await services.members.find(email);
  if (!member) return { session, member: null };
  return { session, member: { email: member.email, name: member.name, role: member.role } };
}

function loginRedirect(url: URL): Response {
  const target = `${url.pathname}${url.search}`;
  const query = target === "/" ? "" : `?redirectTo=${encodeURIComponent(target)}`;
  return redirect(`/login${query}`);
}

/**
 * Root middleware: every route except {@link PUBLIC_PATHS} needs a principal. Pages redirect to the
 * sign-in page; the JSON API and blobs answer 401. The API also takes `Authorization: Bearer <read key>`.
 * Each loader still asks for its role with {@link requireMember} / {@link requireAccess}.
 */
export const authMiddleware: MiddlewareFunction<Response> = async ({ request, url, context }) => {
  const services = context.get(servicesContext);
  if (PUBLIC_PATHS.has(url.pathname)) return;
  const api = isApiPath(url.pathname);
  const authorization = request.headers.get("Authorization");
  if (api && authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const key = match?.[1] ? await findApiKey(services.store, match[1]) : null;
    if (!key) throw jsonError(401, "The API key is not valid (revoked, mistyped, or not a genledger key).");
    if (key.scope !== "read") {
      throw jsonError(
        403,
        "This API key can only ingest. Create a read-scoped key under Settings > API keys.",
      );
    }
    context.set(principalContext, {
      kind: "key",
      keyId: key.id,
      keyName: key.name,
      projectId: key.projectId,
    });
    return;
  }
  const { session, member } = await readSession(services, request);
  if (!member) {
    if (api) throw jsonError(401, "Sign in, or send Authorization: Bearer <read-scoped API key>.");
    if (isResourcePath(url.pathname)) throw new Response("Sign in to view this file.", { status: 401 });
    throw loginRedirect(url);
  }
  context.set(principalContext, { kind: "member", member, csrf: session.get("csrf") ?? "" });
};

/**
 * The signed-in member, or a thrown redirect to sign in; with `roles`, a thrown 403 for other roles.
 * @example const member = requireMember(context, ["admin"]);
 */
export function requireMember(context: Context, roles?: readonly Role[]): SessionMember {
  const principal = context.get(principalContext);
  if (principal?.kind !== "member") throw redirect("/login");
  if (roles && !roles.includes(principal.member.role)) {
    throw pageError(
      403,
      `This page is for ${roles.join(" and ")} members; you are signed in as ${principal.member.role}.`,
    );
  }
  return principal.member;
}

/** What the caller may read, for loaders shared by pages and the API. Throws 401 JSON without a principal. */
export function requireAccess(context: Context): Access {
  const principal = context.get(principalContext);
  const services = context.get(servicesContext);
  if (!principal) throw jsonError(401, "Not signed in.");
  return accessOf(principal, services.projectId);
}

/** The read rights of a principal; `configuredProject` narrows every read when the dashboard is pinned to one project. */
export function accessOf(principal: Principal, configuredProject: string | undefined): Access {
  if (principal.kind === "key") {
    return { text: true, projectId: principal.projectId, actor: `key:${principal.keyId}` };
  }
  return {
    text: canSeeText(principal.member.role),
    projectId: configuredProject,
    actor: principal.member.email,
  };
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * Checks the form's `_csrf` field against the session's token; throws 403 when it differs. Every action
 * calls this before doing anything (the Origin header is checked earlier, in `server/app.ts`).
 */
export async function verifyCsrf(request: Request, context: Context, form: FormData): Promise<void> {
  const services = context.get(servicesContext);
  const principal = context.get(principalContext);
  const expected =
    principal?.kind === "member"
      ? principal.csrf
      : ((await services.sessions.getSession(request.headers.get("Cookie"))).get("csrf") ?? "");
  const sent = form.get("_csrf");
  if (typeof sent !== "string" || !sameToken(sent, expected)) {
    throw pageError(
      403,
      "This form expired or did not come from this dashboard. Reload the page and try again.",
    );
  }
}

/** The request's client address, for rate limits and the audit log. */
export function clientAddress(context: Context): string {
  return context.get(clientAddressContext);
}

/** A safe place to go after signing in. */
export function safeRedirectTarget(value: FormDataEntryValue | string | null): string {
  return typeof value === "string" && isLocalPath(value) ? value : "/";
}
