import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DashboardConfig, DashboardLogger } from "../../server/types.ts";
import type { MemberDirectory } from "./members.server.ts";
import type { SetupState } from "./services.server.ts";

const SECRET_FILE = "dashboard-session-secret";

/**
 * The cookie-signing secret: `GENLEDGER_SESSION_SECRET`, else one generated once and kept (mode 600)
 * under the data directory so sessions survive restarts.
 */
export async function resolveSessionSecret(config: DashboardConfig, log: DashboardLogger): Promise<string> {
  if (config.sessionSecret) return config.sessionSecret;
  const file = join(config.dataDir, SECRET_FILE);
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(48).toString("base64url");
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "w" });
  await chmod(file, 0o600);
  log.info(
    `genledger dashboard: generated a session secret in ${file} (set GENLEDGER_SESSION_SECRET to choose one)`,
  );
  return secret;
}

/** SHA-256 hex of a setup token; only the hash is kept in memory. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Makes sure someone can sign in: with no admin yet, creates one from `GENLEDGER_ADMIN_EMAIL` /
 * `GENLEDGER_ADMIN_PASSWORD`, or else logs a one-time `/setup?token=...` link.
 */
export async function ensureFirstAdmin(
  members: MemberDirectory,
  config: DashboardConfig,
  log: DashboardLogger,
): Promise<SetupState> {
  if ((await members.countAdmins()) > 0) return { tokenHash: null };
  if (config.adminEmail && config.adminPassword) {
    await members.add({
      email: config.adminEmail,
      name: "Admin",
      role: "admin",
      password: config.adminPassword,
      createdBy: "GENLEDGER_ADMIN_EMAIL",
    });
    log.info(`genledger dashboard: created the first admin ${config.adminEmail.toLowerCase()}`);
    return { tokenHash: null };
  }
  const token = randomBytes(24).toString("base64url");
  const base = config.publicUrl ?? "";
  log.warn(
    `genledger dashboard: no admin yet. Open ${base}/setup?token=${token} to create the first one ` +
      "(the link works once; or set GENLEDGER_ADMIN_EMAIL and GENLEDGER_ADMIN_PASSWORD and restart).",
  );
  return { tokenHash: hashToken(token) };
}
