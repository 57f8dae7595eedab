// Shared between the unbundled Node side (`handler.ts`) and the bundled app (`app.ts`): types and
// config parsing only, no React and no React Router, so the root TypeScript project can check it.

import type { Store } from "@genledger/clickhouse";
import type { BlobStore, KvStore } from "@genledger/core";

/** Where log lines go; defaults to stderr through `console`. */
export interface DashboardLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Dashboard settings. Each field names the environment variable {@link dashboardConfigFromEnv} reads. */
export interface DashboardConfig {
  /** `GENLEDGER_DATA_DIR` (default `./.genledger`): the session secret is persisted here when not given. */
  dataDir: string;
  /** `GENLEDGER_SESSION_SECRET`: signs session cookies; at least 32 characters. Generated and persisted when absent. */
  sessionSecret?: string;
  /** `GENLEDGER_ADMIN_EMAIL`: the first admin, created at first start together with `adminPassword`. */
  adminEmail?: string;
  /** `GENLEDGER_ADMIN_PASSWORD`: at least 12 characters. */
  adminPassword?: string;
  /** `GENLEDGER_PROJECT_ID`: restricts every page to one project and owns the API keys made here; unset = all projects, keys go to `default`. */
  projectId?: string;
  /** `GENLEDGER_PUBLIC_URL`: the dashboard's external URL (for the setup link, the Origin check behind a proxy and `Secure` cookies). */
  publicUrl?: string;
  /** Key-value store for the sign-in rate limit (shared between dashboard processes); in-memory when absent. */
  kv?: KvStore;
  /** Session lifetime in seconds (default 8 hours). */
  sessionMaxAgeSeconds?: number;
  /** Sign-in attempts allowed per IP and e-mail per minute (default 5). */
  loginAttemptsPerMinute?: number;
  /** Log sink (default console). */
  logger?: DashboardLogger;
}

/** What the process hands to the dashboard. */
export interface DashboardDeps {
  store: Store;
  blobStore: BlobStore;
  config: DashboardConfig;
}

/** A Node request handler that answers with the fetch `Response` of the app. */
export type FetchHandler = (request: Request, client: { address: string }) => Promise<Response>;

/** The module `react-router build` emits as `build/server/index.js` (its entry is `server/app.ts`). */
export interface DashboardBuildModule {
  createDashboardHandler(deps: DashboardDeps): Promise<{ handle: FetchHandler; close(): Promise<void> }>;
}

/** Bad dashboard configuration: names the setting and what was expected. */
export class DashboardConfigError extends Error {
  override name = "DashboardConfigError";
}

/**
 * Reads {@link DashboardConfig} from environment variables, strictly: every bad value is reported.
 * @example const config = dashboardConfigFromEnv(process.env);
 */
export function dashboardConfigFromEnv(env: Record<string, string | undefined>): DashboardConfig {
  const problems: string[] = [];
  const config: DashboardConfig = { dataDir: env.GENLEDGER_DATA_DIR || "./.genledger" };
  const secret = env.GENLEDGER_SESSION_SECRET;
  if (secret !== undefined && secret !== "") {
    if (secret.length < 32) problems.push("GENLEDGER_SESSION_SECRET must be at least 32 characters");
    config.sessionSecret = secret;
  }
  const email = env.GENLEDGER_ADMIN_EMAIL;
  const password = env.GENLEDGER_ADMIN_PASSWORD;
  if (email || password) {
    if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) {
      problems.push("GENLEDGER_ADMIN_EMAIL must be an e-mail address when GENLEDGER_ADMIN_PASSWORD is set");
    }
    if (!password || password.length < 12) {
      problems.push(
        "GENLEDGER_ADMIN_PASSWORD must be at least 12 characters when GENLEDGER_ADMIN_EMAIL is set",
      );
    }
    config.adminEmail = email;
    config.adminPassword = password;
  }
  if (env.GENLEDGER_PROJECT_ID) config.projectId = env.GENLEDGER_PROJECT_ID;
  if (env.GENLEDGER_PUBLIC_URL) {
    try {
      const url = new URL(env.GENLEDGER_PUBLIC_URL);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("protocol");
      config.publicUrl = url.origin;
    } catch {
      problems.push(
        `GENLEDGER_PUBLIC_URL must be an http(s) URL such as https://genledger.example.com, got "${env.GENLEDGER_PUBLIC_URL}"`,
      );
    }
  }
  if (problems.length > 0)
    throw new DashboardConfigError(`Invalid dashboard configuration:\n- ${problems.join("\n- ")}`);
  return config;
}
