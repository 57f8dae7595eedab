import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AlertRuleInput, createAlertRule, createApiKey, type Store } from "@genledger/clickhouse";
import type { Config } from "@genledger/core/env";

/** Name of the file `genledger start` keeps the local ingest key in (the demo reads it). */
export const LOCAL_INGEST_KEY_FILE = "local-ingest-key";

/** What the first `genledger start` on a fresh data directory creates, printed once. */
export interface FirstRun {
  /** Generated first-admin credentials; absent when GENLEDGER_ADMIN_EMAIL/PASSWORD are set. */
  admin?: { email: string; password: string };
}

/**
 * The alert rules a new installation starts with, at the kinds' default thresholds: firings are
 * recorded (the Alerts page) and go to GENLEDGER_ALERT_WEBHOOK_URL when set. Edit or delete them
 * under Alerts.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRuleInput[] = [
  { name: "Cost spike", kind: "cost_spike" },
  { name: "Abusive user", kind: "abuse_score" },
  { name: "Error-rate spike", kind: "error_rate_spike" },
  { name: "Unpriced model in use", kind: "unpriced_model" },
];

/** Decides the first admin before the dashboard starts (the dashboard creates it). */
export function prepareFirstRun(config: Config<"dashboard">): FirstRun {
  if (config.adminEmail) return {};
  return { admin: { email: "admin@localhost", password: randomBytes(15).toString("base64url") } };
}

/**
 * Creates the local ingest key (unless ingestion needs none), keeps it in the data directory for
 * `npm run demo`, and prints the credentials. Nothing here is shown again on later starts.
 */
export async function finishFirstRun(
  firstRun: FirstRun,
  { store, dataDir, collector }: { store: Store; dataDir: string; collector?: Config<"collector"> },
  say: (line: string) => void,
): Promise<void> {
  const lines = ["first start on this data directory; shown once:"];
  if (firstRun.admin) {
    lines.push(
      `  dashboard admin: ${firstRun.admin.email} / ${firstRun.admin.password}  (change it under Settings)`,
    );
  }
  if (collector) {
    const projectId = collector.ingestDefaultProject;
    for (const rule of DEFAULT_ALERT_RULES) {
      await createAlertRule(store, { ...rule, projectId, createdBy: "genledger start" });
    }
    lines.push(
      `  alert rules: ${DEFAULT_ALERT_RULES.map((r) => r.name.toLowerCase()).join(", ")} (see Alerts)`,
    );
  }
  if (collector && collector.ingestAuth === "required") {
    const projectId = collector.ingestDefaultProject;
    const { key } = await createApiKey(store, {
      projectId,
      name: "local",
      scope: "ingest",
      createdBy: "genledger start",
    });
    const file = join(dataDir, LOCAL_INGEST_KEY_FILE);
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    lines.push(`  ingest key (project ${projectId}): ${key}`);
    lines.push(`    send it as GENLEDGER_API_KEY; kept in ${file} for npm run demo`);
  }
  if (lines.length > 1) for (const line of lines) say(line);
}
