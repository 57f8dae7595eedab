import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, type EnvVar, loadConfig, type Mode, variablesFor } from "@genledger/core/env";
import { CliError, findNamedError } from "./errors.ts";
import { healthCommand } from "./health.ts";
import { USAGE } from "./help.ts";

/** Flags of `start` and the variables they stand for; a flag wins over the environment. */
const FLAG_VARIABLES = {
  "data-dir": "GENLEDGER_DATA_DIR",
  "collector-port": "GENLEDGER_COLLECTOR_PORT",
  "dashboard-port": "GENLEDGER_DASHBOARD_PORT",
} as const;

/** Errors from the stores that already say what is wrong in one line. */
const OPERATOR_ERRORS = ["DataDirLockedError", "SpoolLockedError", "DashboardConfigError"];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "0.0.0";
}

/** `genledger config [mode]`: validates, then prints each variable's effective value. */
function configCommand(mode: string | undefined): number {
  const chosen = (mode ?? "start") as Mode;
  if (!["start", "collector", "dashboard", "migrate"].includes(chosen)) {
    throw new CliError("usage: genledger config [start|collector|dashboard|migrate]");
  }
  const config = loadConfig(chosen) as Record<string, unknown>;
  for (const [key, spec] of variablesFor(chosen) as Array<[string, EnvVar]>) {
    const value = config[key];
    const shown = value === undefined ? "(unset)" : spec.secret ? "(set, hidden)" : JSON.stringify(value);
    process.stdout.write(`${spec.name}=${shown}\n`);
  }
  return 0;
}

/** Prints `error` for an operator and returns the exit code. */
export function report(error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`genledger: ${error.message}\n`);
    return 1;
  }
  if (error instanceof CliError) {
    process.stderr.write(`genledger: ${error.message}\n`);
    return error.exitCode;
  }
  const known = findNamedError(error, OPERATOR_ERRORS);
  if (known) {
    process.stderr.write(`genledger: ${known.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`genledger: unexpected error: ${message}\n`);
  if (process.env.GENLEDGER_LOG_LEVEL === "debug" && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  return 1;
}

/**
 * Runs the CLI and resolves with the exit code: at once for `help`, `config`, `health`,
 * `migrate`; after a graceful shutdown for the services.
 */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        "data-dir": { type: "string" },
        "collector-port": { type: "string" },
        "dashboard-port": { type: "string" },
      },
    });
    const [command, ...rest] = positionals;
    if (values.version) {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    if (values.help || command === undefined || command === "help") {
      process.stdout.write(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
      const value = values[flag as keyof typeof FLAG_VARIABLES];
      if (value === undefined) continue;
      if (command !== "start") throw new CliError(`--${flag} only applies to start; set ${variable} instead`);
      process.env[variable] = value;
    }
    switch (command) {
      case "start":
      case "collector":
      case "dashboard":
      case "migrate": {
        if (rest.length > 0)
          throw new CliError(`unexpected argument ${JSON.stringify(rest[0])} (see genledger --help)`);
        const { runService } = await import("./services.ts");
        return await runService(command);
      }
      case "health":
        return await healthCommand(rest[0]);
      case "config":
        return configCommand(rest[0]);
      default:
        throw new CliError(`unknown command ${JSON.stringify(command)} (see genledger --help)`);
    }
  } catch (error) {
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      return report(new CliError(`${error.message} (see genledger --help)`, 2));
    }
    return report(error);
  }
}
