import { z } from "zod";
import { BUILT_IN_RULES, type RedactionRule, RULE_GROUPS } from "./rules.ts";

/** What to redact for one project: built-in rule names and custom patterns. */
export interface RedactionPolicy {
  /** Built-in rule names (`email`, `phone`, `card`, `api_key`, `jwt`, `bearer`). */
  rules: string[];
  /** Custom patterns; a match is replaced by `[REDACTED:<name>]` and recorded as `custom:<name>`. */
  patterns: Array<{ name: string; pattern: string; flags: string }>;
}

/** Redaction for every project: a default policy and per-project overrides (null = off). */
export interface RedactionConfig {
  default: RedactionPolicy | null;
  projects: Record<string, RedactionPolicy | null>;
}

/** Redaction off everywhere (the default). */
export const REDACTION_OFF: RedactionConfig = { default: null, projects: {} };

const ruleName = z.string().refine((name) => RULE_GROUPS[name.trim().toLowerCase()] !== undefined, {
  message: `unknown rule; expected one of ${Object.keys(RULE_GROUPS).join(", ")}`,
});

const customPattern = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ -"),
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, "only the flags i, m, s and u are allowed")
      .default(""),
  })
  .superRefine((value, ctx) => {
    try {
      new RegExp(value.pattern, `${value.flags}g`);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `not a valid regular expression: ${(error as Error).message}`,
      });
    }
  });

const policyInput = z.union([
  z.literal("off"),
  z.array(ruleName),
  z.object({ rules: z.array(ruleName).default([]), patterns: z.array(customPattern).default([]) }).strict(),
]);

const configInput = z
  .object({ default: policyInput.optional(), projects: z.record(z.string(), policyInput).default({}) })
  .strict();

function expand(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) for (const rule of RULE_GROUPS[name.trim().toLowerCase()] ?? []) out.add(rule);
  return [...out];
}

function toPolicy(input: z.infer<typeof policyInput> | undefined): RedactionPolicy | null {
  if (input === undefined || input === "off") return null;
  if (Array.isArray(input)) return input.length === 0 ? null : { rules: expand(input), patterns: [] };
  if (input.rules.length === 0 && input.patterns.length === 0) return null;
  return { rules: expand(input.rules), patterns: input.patterns };
}

/**
 * Parses `GENLEDGER_REDACT`: empty or `off` (nothing redacted), a comma list of rule names for
 * every project (`emails,cards,secrets`), or JSON
 * `{ "default": [...] | { rules, patterns } | "off", "projects": { "<id>": ... } }`.
 * @throws Error whose message lists every problem, with its JSON path.
 */
export function parseRedactionConfig(raw: string | undefined): RedactionConfig {
  const text = (raw ?? "").trim();
  if (text === "" || text.toLowerCase() === "off" || text.toLowerCase() === "none") return REDACTION_OFF;
  let input: unknown;
  if (text.startsWith("{")) {
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new Error(`not valid JSON: ${(error as Error).message}`);
    }
  } else {
    input = {
      default: text
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== ""),
    };
  }
  const parsed = configInput.safeParse(input);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; "),
    );
  }
  const projects: Record<string, RedactionPolicy | null> = Object.create(null);
  for (const [projectId, policy] of Object.entries(parsed.data.projects))
    projects[projectId] = toPolicy(policy);
  return { default: toPolicy(parsed.data.default), projects };
}

/** The policy for `projectId`: its own entry when present, else the default. */
export function policyFor(config: RedactionConfig, projectId: string): RedactionPolicy | null {
  return Object.hasOwn(config.projects, projectId) ? (config.projects[projectId] ?? null) : config.default;
}

/** The compiled rules of a policy, built-in ones in their fixed order, then custom patterns. */
export function compilePolicy(policy: RedactionPolicy): RedactionRule[] {
  const rules: RedactionRule[] = BUILT_IN_RULES.filter((rule) => policy.rules.includes(rule.name));
  for (const custom of policy.patterns) {
    rules.push({
      name: `custom:${custom.name}`,
      pattern: new RegExp(custom.pattern, `${custom.flags}g`),
      replace: () => `[REDACTED:${custom.name}]`,
    });
  }
  return rules;
}
