import { readFileSync } from "node:fs";
import { builtInCatalog, type PriceCatalog } from "./catalog.ts";
import { PricingError } from "./errors.ts";
import type { PriceEntry } from "./schema.ts";
import { validatePriceEntries } from "./validate.ts";

/** Where a catalog's overrides come from. */
export interface CreateCatalogOptions {
  /**
   * A JSON file holding an array of price entries (same shape as the built-in ones). Defaults to
   * the `GENLEDGER_PRICES_FILE` environment variable; an empty string means no file.
   */
  readonly overridesFile?: string | undefined;
  /** Override entries given in code (e.g. prices kept by the dashboard), merged with the file's. */
  readonly overrides?: readonly unknown[] | undefined;
  /** The environment to read `GENLEDGER_PRICES_FILE` from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Reads and validates a price overrides file: a JSON array of entries. Every bad field is named
 * with its index.
 *
 * @throws PricingError when the file cannot be read, is not JSON, or holds invalid entries
 * @example
 * // prices.json: [{ "id": "acme/gpt-4o@2025-01-01", "provider": "openai", "match": ["gpt-4o"],
 * //   "input": "2.00", "output": "8.00", "effectiveFrom": "2025-01-01" }]
 * loadPriceOverrides("./prices.json");
 */
export function loadPriceOverrides(path: string): PriceEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new PricingError(`price overrides file ${path}: cannot be read (${(cause as Error).message})`, {
      code: "invalid-catalog",
      field: "GENLEDGER_PRICES_FILE",
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PricingError(`price overrides file ${path}: not valid JSON (${(cause as Error).message})`, {
      code: "invalid-catalog",
      field: "GENLEDGER_PRICES_FILE",
      cause,
    });
  }
  return validatePriceEntries(json, `price overrides file ${path}`);
}

/**
 * Builds the catalog a process prices with: built-in list prices, plus overrides from code and from
 * a JSON file (`GENLEDGER_PRICES_FILE` by default). Overrides are consulted first: any override
 * matching the model and effective at the generation's time wins over every built-in entry.
 * Call it once at start; the file is read synchronously and a bad file throws.
 *
 * @throws PricingError naming every bad field of the overrides
 */
export function createCatalog(options: CreateCatalogOptions = {}): PriceCatalog {
  const env = options.env ?? process.env;
  const file = options.overridesFile ?? env.GENLEDGER_PRICES_FILE ?? "";
  const inline = options.overrides ? validatePriceEntries(options.overrides, "price overrides") : [];
  const fromFile = file.trim() === "" ? [] : loadPriceOverrides(file.trim());
  const overrides = [...inline, ...fromFile];
  const ids = new Set<string>();
  for (const entry of overrides) {
    if (ids.has(entry.id)) {
      throw new PricingError(`price overrides: id "${entry.id}" is defined twice`, {
        code: "invalid-catalog",
        field: "id",
      });
    }
    ids.add(entry.id);
  }
  return { builtIn: builtInCatalog().builtIn, overrides };
}
