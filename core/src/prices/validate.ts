import { PricingError } from "./errors.ts";
import { type PriceEntry, priceEntriesSchema } from "./schema.ts";

/** Writes a zod issue path as `[2].tiers[0].input`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
    .replace(/^\./, "");
}

/**
 * Validates an array of price entries, collecting every problem: each named by its index and
 * field (`[2].input: expected a decimal USD string...`), plus duplicate ids.
 *
 * @param label - names the source in the error message (a file path, "built-in prices")
 * @throws PricingError with `issues` listing every problem
 */
export function validatePriceEntries(value: unknown, label: string): PriceEntry[] {
  const parsed = priceEntriesSchema.safeParse(value);
  const issues: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      issues.push(`${path === "" ? "(root)" : path}: ${issue.message}`);
    }
  } else {
    const seen = new Map<string, number>();
    parsed.data.forEach((entry, index) => {
      const first = seen.get(entry.id);
      if (first !== undefined) issues.push(`[${index}].id: duplicate id "${entry.id}" (also at [${first}])`);
      else seen.set(entry.id, index);
    });
  }
  if (issues.length > 0 || !parsed.success) {
    throw new PricingError(`${label}: ${issues.length} invalid price field(s):\n  ${issues.join("\n  ")}`, {
      code: "invalid-catalog",
      field: issues[0]?.split(":")[0],
      issues,
    });
  }
  return parsed.data;
}
