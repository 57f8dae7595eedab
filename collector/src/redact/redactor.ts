import type { Generation } from "@genledger/core";
import { compilePolicy, type RedactionPolicy } from "./policy.ts";
import type { RedactionRule } from "./rules.ts";

/** Applies one project's rules to text, remembering which rules fired. */
export interface Redactor {
  /** `text` with every match replaced; names of rules that matched are added to `fired`. */
  text(text: string, fired: Set<string>): string;
}

/** A redactor for `policy`. */
export function createRedactor(policy: RedactionPolicy): Redactor {
  const rules = compilePolicy(policy);
  return {
    text(text, fired) {
      let out = text;
      for (const rule of rules) out = applyRule(rule, out, fired);
      return out;
    },
  };
}

function applyRule(rule: RedactionRule, text: string, fired: Set<string>): string {
  rule.pattern.lastIndex = 0;
  if (!rule.pattern.test(text)) return text;
  rule.pattern.lastIndex = 0;
  return text.replace(rule.pattern, (match) => {
    if (match === "" || (rule.accept !== undefined && !rule.accept(match))) return match;
    fired.add(rule.name);
    return rule.replace?.(match) ?? `[REDACTED:${rule.name}]`;
  });
}

/** Every string inside a JSON-like value, redacted (object keys are kept). */
function redactDeep(value: unknown, redactor: Redactor, fired: Set<string>, depth = 0): unknown {
  if (typeof value === "string") return redactor.text(value, fired);
  if (depth > 64 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redactor, fired, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, redactor, fired, depth + 1);
  return out;
}

/**
 * Redacts the prompt (system, messages, tool definitions are left alone), the output (messages and
 * structured object), embed inputs and the error text of `generation`, in place, and records the
 * rules that fired in `generation.redactions`. File parts carry no text and are left as they are.
 */
export function redactGeneration(generation: Generation, redactor: Redactor): Set<string> {
  const fired = new Set<string>(generation.redactions);
  generation.prompt.system = redactor.text(generation.prompt.system, fired);
  for (const message of [...generation.prompt.messages, ...generation.output.messages]) {
    message.parts = message.parts.map((part) => {
      if (part.type === "file" || part.type === "blob") return part;
      return redactDeep(part, redactor, fired) as typeof part;
    });
  }
  if (generation.prompt.values !== undefined) {
    generation.prompt.values = generation.prompt.values.map((value) => redactor.text(value, fired));
  }
  if (generation.output.object !== undefined)
    generation.output.object = redactDeep(generation.output.object, redactor, fired);
  if (generation.error !== null) generation.error = redactor.text(generation.error, fired);
  generation.redactions = [...fired];
  return fired;
}
