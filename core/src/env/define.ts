import type { z } from "zod";

/**
 * The processes that read configuration. `migrate` is `genledger migrate` (schema changes only);
 * `test` is the test suite itself.
 */
export const PROCESSES = ["collector", "dashboard", "migrate", "instrumentation", "test"] as const;
/** One of {@link PROCESSES}. */
export type ProcessName = (typeof PROCESSES)[number];

/** The product's own processes (everything but the test suite). */
export const PRODUCT_PROCESSES = [
  "collector",
  "dashboard",
  "migrate",
  "instrumentation",
] as const satisfies readonly ProcessName[];

/**
 * How configuration is loaded: one process, or `start`, the single embedded process that runs
 * the collector, the dashboard and the migrations together.
 */
export const MODES = {
  start: ["collector", "dashboard", "migrate"],
  collector: ["collector"],
  dashboard: ["dashboard"],
  migrate: ["migrate"],
  instrumentation: ["instrumentation"],
  test: ["test"],
} as const satisfies Record<string, readonly ProcessName[]>;
/** A key of {@link MODES}. */
export type Mode = keyof typeof MODES;

/** Environment as `process.env` has it. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** What a required-when rule sees. */
export interface RequirementContext {
  mode: Mode;
  env: EnvSource;
}

/** A default computed from other variables (for example a path under `GENLEDGER_DATA_DIR`). */
export interface DerivedDefault {
  /** How the documentation shows it: `<GENLEDGER_DATA_DIR>/spool`. */
  doc: string;
  value: (env: EnvSource) => string;
}

/** A {@link DerivedDefault}: `value` computes the raw default from the environment. */
export function derivedDefault(doc: string, value: (env: EnvSource) => string): DerivedDefault {
  return { doc, value };
}

/** One environment variable the product reads. */
export interface EnvVar<
  P extends readonly ProcessName[] = readonly ProcessName[],
  S extends z.ZodType<unknown, string> = z.ZodType<unknown, string>,
  D extends string | DerivedDefault | undefined = string | DerivedDefault | undefined,
> {
  name: string;
  /** The processes that read it. */
  processes: P;
  /** One or two sentences for the operator: what it does, the accepted format. */
  description: string;
  /** Parses the raw string; its messages are shown as they are. */
  schema: S;
  /** Raw default, parsed by `schema` like a set value; undefined: no value. */
  default: D;
  /** When it must be set; `doc` is the documentation's wording of `test`. */
  requiredWhen?: { doc: string; test: (ctx: RequirementContext) => boolean };
  /** Never echo the value in errors or logs. */
  secret?: boolean;
  /** An example value for the documentation. */
  example?: string;
  /** Who reads it when our code only passes it on (for example the AWS SDK). */
  readBy?: string;
}

/**
 * Declares one variable, keeping its processes and value types for {@link ConfigFor}.
 * @example envVar({ name: "GENLEDGER_COLLECTOR_PORT", processes: ["collector"], schema: portFromEnv, default: "4318", description: "..." })
 */
export function envVar<
  const P extends readonly ProcessName[],
  S extends z.ZodType<unknown, string>,
  const D extends string | DerivedDefault | undefined = undefined,
>(spec: Omit<EnvVar<P, S, D>, "default"> & { default?: D }): EnvVar<P, S, D> {
  return { ...spec, default: spec.default as D };
}

type AnyEnvVar = EnvVar<
  readonly ProcessName[],
  z.ZodType<unknown, string>,
  string | DerivedDefault | undefined
>;

/** The parsed value of a variable: defined when it has a default. */
export type EnvValue<V> =
  V extends EnvVar<readonly ProcessName[], infer S, infer D>
    ? D extends undefined
      ? z.output<S> | undefined
      : z.output<S>
    : never;

/** The typed configuration a mode sees: the variables read by any of its processes, by key. */
export type ConfigOf<R extends Record<string, AnyEnvVar>, M extends Mode> = {
  [K in keyof R as Extract<R[K]["processes"][number], (typeof MODES)[M][number]> extends never
    ? never
    : K]: EnvValue<R[K]>;
};
