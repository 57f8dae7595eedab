import { z } from "zod";
import { envVar } from "../define.ts";
import { portFromEnv, secretFromEnv, textFromEnv, urlFromEnv } from "../schemas.ts";

/** Variables of the dashboard. */
export const DASHBOARD_VARS = {
  dashboardHost: envVar({
    name: "GENLEDGER_DASHBOARD_HOST",
    processes: ["dashboard"],
    description: "Interface the dashboard listens on. Use 0.0.0.0 in a container.",
    schema: textFromEnv,
    default: "127.0.0.1",
  }),
  dashboardPort: envVar({
    name: "GENLEDGER_DASHBOARD_PORT",
    processes: ["dashboard"],
    description: "Port of the dashboard. 0: any free port.",
    schema: portFromEnv,
    default: "3000",
  }),
  sessionSecret: envVar({
    name: "GENLEDGER_SESSION_SECRET",
    processes: ["dashboard"],
    description:
      "Signs session cookies (at least 32 characters). Unset: one is generated once and kept in `GENLEDGER_DATA_DIR`; set it when the dashboard has no persistent data directory or runs as several replicas.",
    schema: secretFromEnv(32),
    secret: true,
  }),
  adminEmail: envVar({
    name: "GENLEDGER_ADMIN_EMAIL",
    processes: ["dashboard"],
    description:
      "E-mail of the first admin, created at start when there is no admin yet. Unset: `genledger start` creates `admin@localhost` with a generated password and prints it once; a separate dashboard prints a one-time `/setup` link.",
    schema: z
      .string()
      .trim()
      .regex(/^[^\s@]+@[^\s@]+$/, "must be an e-mail address"),
    requiredWhen: {
      doc: "`GENLEDGER_ADMIN_PASSWORD` is set",
      test: ({ env }) => Boolean(env.GENLEDGER_ADMIN_PASSWORD),
    },
  }),
  adminPassword: envVar({
    name: "GENLEDGER_ADMIN_PASSWORD",
    processes: ["dashboard"],
    description: "Password of the first admin (at least 12 characters).",
    schema: secretFromEnv(12),
    secret: true,
    requiredWhen: {
      doc: "`GENLEDGER_ADMIN_EMAIL` is set",
      test: ({ env }) => Boolean(env.GENLEDGER_ADMIN_EMAIL),
    },
  }),
  projectId: envVar({
    name: "GENLEDGER_PROJECT_ID",
    processes: ["dashboard"],
    description:
      "Restricts every dashboard page to one project, which also owns the ingestion keys created there. Unset: all projects; new keys belong to `default`.",
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/, "must be 1-128 characters of A-Z, a-z, 0-9, _ . -"),
  }),
  publicUrl: envVar({
    name: "GENLEDGER_PUBLIC_URL",
    processes: ["collector", "dashboard"],
    description:
      "The dashboard's address as users reach it; used in alert links (`/generation/:id`). Unset: the local address.",
    schema: urlFromEnv(["http", "https"]),
    example: "https://genledger.example.com",
  }),
};
