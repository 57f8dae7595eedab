// The server bundle's entry (see vite.config.ts): `react-router build` emits it as build/server/index.js
// together with the routes, so the context keys below are the same objects the loaders read.

import * as build from "virtual:react-router/server-build";
import { createCookieSessionStorage, createRequestHandler, RouterContextProvider } from "react-router";
import { clientAddressContext, servicesContext } from "../app/context.ts";
import { audit } from "../app/lib/audit.server.ts";
import { ensureFirstAdmin, resolveSessionSecret } from "../app/lib/bootstrap.server.ts";
import { consoleLogger } from "../app/lib/logger.server.ts";
import { MemberDirectory } from "../app/lib/members.server.ts";
import { LoginRateLimiter, memoryCounter } from "../app/lib/rate-limit.server.ts";
import type { DashboardServices, SessionData } from "../app/lib/services.server.ts";
import type { DashboardBuildModule, DashboardDeps } from "./types.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Origins allowed to submit forms: the request's own, and the configured public URL. */
function originAllowed(request: Request, publicOrigin: string | undefined): boolean {
  const origin = request.headers.get("Origin");
  const own = new URL(request.url);
  const candidates = [origin, origin ? null : request.headers.get("Referer")];
  for (const value of candidates) {
    if (!value) continue;
    try {
      const url = new URL(value);
      return url.host === own.host || url.origin === publicOrigin;
    } catch {
      return false;
    }
  }
  // Neither header: not a browser form post. The CSRF token in the body still has to match.
  return true;
}

function withSecurityHeaders(response: Response): Response {
  const headers = response.headers;
  if (!headers.has("X-Content-Type-Options")) headers.set("X-Content-Type-Options", "nosniff");
  if (!headers.has("X-Frame-Options")) headers.set("X-Frame-Options", "DENY");
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "same-origin");
  return response;
}

/**
 * Creates the dashboard's fetch handler: prepares the session secret and the first admin, then answers
 * each request through React Router with `{ store, blobStore, ... }` in the router context.
 */
export const createDashboardHandler: DashboardBuildModule["createDashboardHandler"] = async (
  deps: DashboardDeps,
) => {
  const { store, blobStore, config } = deps;
  const log = config.logger ?? consoleLogger();
  const sessionMaxAgeSeconds = config.sessionMaxAgeSeconds ?? 8 * 60 * 60;
  const secret = await resolveSessionSecret(config, log);
  const members = new MemberDirectory(store);
  const setup = await ensureFirstAdmin(members, config, log);
  const sessions = createCookieSessionStorage<SessionData>({
    cookie: {
      name: "genledger_session",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: config.publicUrl?.startsWith("https://") ?? false,
      secrets: [secret],
      maxAge: sessionMaxAgeSeconds,
    },
  });
  const services: DashboardServices = {
    store,
    blobStore,
    projectId: config.projectId,
    keyProjectId: config.projectId ?? "default",
    publicOrigin: config.publicUrl,
    sessionMaxAgeSeconds,
    members,
    sessions,
    loginLimiter: new LoginRateLimiter(config.kv ?? memoryCounter(), config.loginAttemptsPerMinute ?? 5),
    setup,
    log,
    audit(entry) {
      void audit(store, entry, (error) =>
        log.error("genledger dashboard: could not write the audit log", error),
      );
    },
  };
  const handler = createRequestHandler(build, "production");
  return {
    async handle(request, client) {
      if (!SAFE_METHODS.has(request.method) && !originAllowed(request, services.publicOrigin)) {
        return withSecurityHeaders(
          new Response("Refused: this form was not submitted from the dashboard's own pages.", {
            status: 403,
          }),
        );
      }
      const context = new RouterContextProvider();
      context.set(servicesContext, services);
      context.set(clientAddressContext, client.address);
      return withSecurityHeaders(await handler(request, context));
    },
    async close() {},
  };
};
