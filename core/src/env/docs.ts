import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EnvVar } from "./define.ts";
import { ENV } from "./registry.ts";

/** Path of the generated configuration reference, from the repository root. */
export const CONFIGURATION_DOC = fileURLToPath(new URL("../../../docs/configuration.md", import.meta.url));

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function defaultText(spec: EnvVar): string {
  if (spec.default === undefined) return "";
  return `\`${typeof spec.default === "string" ? spec.default : spec.default.doc}\``;
}

function description(spec: EnvVar): string {
  const parts = [spec.description];
  if (spec.example) parts.push(`Example: \`${spec.example}\`.`);
  if (spec.readBy) parts.push(`Read by ${spec.readBy}.`);
  if (spec.secret) parts.push("Secret: never logged.");
  return parts.join(" ");
}

/** The text of `docs/configuration.md`, generated from the registry. */
export function renderConfigurationDoc(): string {
  const rows = Object.values(ENV as Record<string, EnvVar>).map((spec) =>
    [
      `\`${spec.name}\``,
      spec.processes.join(", "),
      defaultText(spec),
      spec.requiredWhen ? spec.requiredWhen.doc : "",
      description(spec),
    ]
      .map(cell)
      .join(" | "),
  );
  return `${[
    "# Configuration",
    "",
    "<!-- Generated from core/src/env/registry.ts by `npm run docs:config`. Do not edit by hand. -->",
    "",
    "genledger is configured with environment variables only. Each process reads the variables of its",
    "row below once, at start. The services (`genledger start`, `collector`, `dashboard`, `migrate`)",
    "are strict: they list every invalid value, every missing required variable and every unknown",
    "`GENLEDGER_*` name, then exit with status 1. The instrumentation inside your application is",
    "lenient: a bad value is logged and replaced by its default, so telemetry never stops the app.",
    "An empty value counts as unset.",
    "",
    "`genledger start` is one process running the collector, the dashboard and the migrations: it",
    "reads the variables of all three. Sizes accept `512MiB`, `2GB` or bytes; durations need a unit",
    "(`500ms`, `30s`, `15m`, `2h`, `7d`); booleans are `true`/`false` (or `1`/`0`, `yes`/`no`).",
    "",
    "| Variable | Read by | Default | Required when | Description |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n")}\n`;
}

/** True when the committed document matches the registry. */
export function configurationDocIsCurrent(): boolean {
  try {
    return readFileSync(CONFIGURATION_DOC, "utf8") === renderConfigurationDoc();
  } catch {
    return false;
  }
}

if (import.meta.main) {
  writeFileSync(CONFIGURATION_DOC, renderConfigurationDoc());
  console.log(`wrote ${CONFIGURATION_DOC}`);
}
