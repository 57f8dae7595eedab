import type { ConfigOf, EnvSource, EnvVar, Mode, ProcessName } from "./define.ts";
import { MODES } from "./define.ts";
import { ENV, type EnvRegistry } from "./registry.ts";

/** One bad or missing setting. */
export interface ConfigIssue {
  /** The environment variable. */
  name: string;
  message: string;
}

/** Thrown by {@link loadConfig} for a service: lists every bad setting, not just the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  readonly mode: Mode;

  constructor(mode: Mode, issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.name}: ${issue.message}`);
    super(`invalid configuration for genledger ${mode} (see docs/configuration.md):\n${lines.join("\n")}`);
    this.name = "ConfigError";
    this.mode = mode;
    this.issues = issues;
  }
}

/** The typed configuration of `mode`. */
export type Config<M extends Mode> = ConfigOf<EnvRegistry, M>;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Lenient mode only: where warnings go (default `console.warn`). */
  onWarning?: (message: string) => void;
}

type AnyVar = EnvVar;
const ALL_VARS = Object.entries(ENV) as Array<[string, AnyVar]>;
const KNOWN_NAMES = new Set(ALL_VARS.map(([, spec]) => spec.name));

/** The variables read by any process of `mode`, as `[key, spec]` pairs in registry order. */
export function variablesFor(mode: Mode): Array<[string, AnyVar]> {
  const processes: readonly ProcessName[] = MODES[mode];
  return ALL_VARS.filter(([, spec]) => spec.processes.some((p) => processes.includes(p)));
}

/**
 * Reads and validates the configuration of `mode` from `env`.
 *
 * Services (`start`, `collector`, `dashboard`, `migrate`) are strict: every invalid value, every
 * missing required variable and every unknown `GENLEDGER_*` name is collected and thrown together
 * as a {@link ConfigError}. The library side (`instrumentation`, `test`) is lenient: a bad value is
 * reported through `onWarning` and replaced by its default, because telemetry must never stop the
 * host application.
 *
 * @example
 * const config = loadConfig("collector", process.env);
 * listen(config.collectorPort, config.collectorHost);
 */
export function loadConfig<M extends Mode>(
  mode: M,
  env: EnvSource = process.env,
  options: LoadConfigOptions = {},
): Config<M> {
  const strict = mode !== "instrumentation" && mode !== "test";
  const warn = options.onWarning ?? ((message: string) => console.warn(`genledger: ${message}`));
  const issues: ConfigIssue[] = [];
  const config: Record<string, unknown> = {};

  for (const [key, spec] of variablesFor(mode)) {
    const raw = env[spec.name];
    const isSet = raw !== undefined && raw.trim() !== "";
    if (!isSet) {
      if (spec.requiredWhen?.test({ mode, env })) {
        issues.push({ name: spec.name, message: `required when ${spec.requiredWhen.doc}` });
      }
      config[key] = parseDefault(spec, env);
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      config[key] = parsed.data;
      continue;
    }
    const message = parsed.error.issues.map((issue) => issue.message).join("; ");
    issues.push({
      name: spec.name,
      message: spec.secret ? message : `${message} (got ${JSON.stringify(raw)})`,
    });
    config[key] = parseDefault(spec, env);
  }

  if (strict) {
    for (const name of Object.keys(env)) {
      if (name.startsWith("GENLEDGER_") && !KNOWN_NAMES.has(name) && env[name] !== undefined) {
        const suggestion = closestName(name);
        issues.push({
          name,
          message: `not a genledger setting${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
        });
      }
    }
    if (issues.length > 0) throw new ConfigError(mode, issues);
  } else {
    for (const issue of issues) warn(`${issue.name}: ${issue.message}; using the default`);
  }
  return config as Config<M>;
}

function parseDefault(spec: AnyVar, env: EnvSource): unknown {
  if (spec.default === undefined) return undefined;
  const raw = typeof spec.default === "string" ? spec.default : spec.default.value(env);
  // A default that does not parse is a bug in the registry, not in the operator's environment.
  return spec.schema.parse(raw);
}

function closestName(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN_NAMES) {
    const distance = editDistance(name, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 5)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
