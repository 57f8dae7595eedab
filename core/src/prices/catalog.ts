import { builtInPriceEntries } from "./catalog-data.ts";
import { PricingError } from "./errors.ts";
import { type CompiledPattern, compilePattern, matchScore } from "./match.ts";
import { normalizeModel, normalizeProvider, ROUTING_PROVIDERS } from "./normalize.ts";
import type { PriceEntry } from "./schema.ts";
import { validatePriceEntries } from "./validate.ts";

/**
 * A price catalog: the built-in entries plus override entries. Overrides are consulted first: when
 * any override entry matches the model and is effective at the time asked, the best override wins,
 * however specific a built-in entry is. Build one with {@link createCatalog}.
 */
export interface PriceCatalog {
  readonly builtIn: readonly PriceEntry[];
  readonly overrides: readonly PriceEntry[];
}

/** What to price: the provider id as reported (any spelling), the model id, and when. */
export interface PriceLookup {
  /** "openai.chat", "anthropic.messages", "amazon-bedrock", "gcp.vertex_ai"...; absent = from the model id. */
  readonly provider?: string | undefined;
  /** "gpt-4o", "openai/gpt-4o-mini", "claude-sonnet-4-5-20250929", "us.anthropic.claude-...-v2:0"... */
  readonly model: string;
  /** The time of the generation: the price effective then applies. */
  readonly at: Date;
}

/** The outcome of a lookup: the entry used, or why there is none. */
export type PriceLookupResult =
  | { readonly found: true; readonly entry: PriceEntry; readonly source: "built-in" | "override" }
  | { readonly found: false; readonly reason: string };

/** A catalog entry with where it came from, for listing (the dashboard's prices page). */
export interface CatalogListing {
  readonly entry: PriceEntry;
  readonly source: "built-in" | "override";
}

/**
 * Vendors whose own list prices apply when a generation comes through a provider the catalog does
 * not know (an OpenAI-compatible proxy serving "gpt-4o"): the model creator's price is the best
 * estimate, and the price entry id recorded with the cost shows which one was used.
 */
const FIRST_PARTY = new Set(["openai", "anthropic", "google", "xai", "mistral", "deepseek"]);
const CACHE_LIMIT = 10_000;

interface CompiledEntry {
  readonly entry: PriceEntry;
  readonly override: boolean;
  readonly patterns: readonly CompiledPattern[];
  readonly from: number;
}

interface RankedMatch {
  readonly compiled: CompiledEntry;
  readonly score: number;
}

interface CompiledCatalog {
  readonly byProvider: ReadonlyMap<string, readonly CompiledEntry[]>;
  readonly firstParty: readonly CompiledEntry[];
  readonly matches: Map<string, readonly RankedMatch[]>;
}

const compiledCatalogs = new WeakMap<PriceCatalog, CompiledCatalog>();

function compileCatalog(catalog: PriceCatalog): CompiledCatalog {
  const cached = compiledCatalogs.get(catalog);
  if (cached) return cached;
  const byProvider = new Map<string, CompiledEntry[]>();
  const firstParty: CompiledEntry[] = [];
  const add = (entry: PriceEntry, override: boolean) => {
    const compiled: CompiledEntry = {
      entry,
      override,
      patterns: entry.match.map(compilePattern),
      from: Date.parse(entry.effectiveFrom),
    };
    const provider = normalizeProvider(entry.provider);
    const providers = new Set([provider, ...(entry.servedBy ?? []).map(normalizeProvider)]);
    for (const p of providers) {
      const list = byProvider.get(p) ?? [];
      list.push(compiled);
      byProvider.set(p, list);
    }
    if (FIRST_PARTY.has(provider)) firstParty.push(compiled);
  };
  for (const entry of catalog.overrides) add(entry, true);
  for (const entry of catalog.builtIn) add(entry, false);
  const result: CompiledCatalog = { byProvider, firstParty, matches: new Map() };
  compiledCatalogs.set(catalog, result);
  return result;
}

function bestScore(compiled: CompiledEntry, model: string): number {
  let best = -1;
  for (const pattern of compiled.patterns) best = Math.max(best, matchScore(pattern, model));
  return best;
}

/** Every entry naming the model, best first: overrides, then specificity, then the latest price. */
function rankedMatches(compiled: CompiledCatalog, provider: string, model: string): readonly RankedMatch[] {
  const key = `${provider}\u0000${model}`;
  const cached = compiled.matches.get(key);
  if (cached) return cached;
  const candidates = compiled.byProvider.get(provider) ?? compiled.firstParty;
  const ranked: RankedMatch[] = [];
  for (const entry of candidates) {
    const score = bestScore(entry, model);
    if (score >= 0) ranked.push({ compiled: entry, score });
  }
  ranked.sort(
    (a, b) =>
      Number(b.compiled.override) - Number(a.compiled.override) ||
      b.score - a.score ||
      b.compiled.from - a.compiled.from,
  );
  if (compiled.matches.size >= CACHE_LIMIT) compiled.matches.clear();
  compiled.matches.set(key, ranked);
  return ranked;
}

/**
 * Finds the price entry for a generation and says why when there is none. The provider id is
 * normalized ("openai.responses" -> "openai"); a routing provider ("gateway") or a missing one
 * takes the vendor from the model id ("openai/gpt-4o"); a provider the catalog does not know falls
 * back to first-party vendors' prices. The most specific matching entry wins (a dated snapshot
 * beats its family, "gpt-4o-mini" never matches "gpt-4o"), and among entries matching equally the
 * one with the latest `effectiveFrom` not after `at`.
 */
export function lookupPrice(catalog: PriceCatalog, lookup: PriceLookup): PriceLookupResult {
  if (!(lookup.at instanceof Date) || Number.isNaN(lookup.at.getTime())) {
    throw new PricingError(`at: expected a valid Date, got ${String(lookup.at)}`, {
      code: "invalid-input",
      field: "at",
    });
  }
  if (typeof lookup.model !== "string" || lookup.model.trim() === "") {
    throw new PricingError(`model: expected a non-empty model id, got ${JSON.stringify(lookup.model)}`, {
      code: "invalid-input",
      field: "model",
    });
  }
  const { model, vendor } = normalizeModel(lookup.model);
  let provider = normalizeProvider(lookup.provider);
  if (ROUTING_PROVIDERS.has(provider) && vendor !== undefined) provider = normalizeProvider(vendor);

  const ranked = rankedMatches(compileCatalog(catalog), provider, model);
  const at = lookup.at.getTime();
  const hit = ranked.find((match) => match.compiled.from <= at);
  if (hit) {
    return {
      found: true,
      entry: hit.compiled.entry,
      source: hit.compiled.override ? "override" : "built-in",
    };
  }
  const asked = `model "${lookup.model}" (as "${model}") from provider "${lookup.provider ?? ""}"`;
  if (ranked.length === 0) return { found: false, reason: `no price for ${asked}` };
  const earliest = Math.min(...ranked.map((match) => match.compiled.from));
  return {
    found: false,
    reason: `no price for ${asked} effective at ${lookup.at.toISOString()}; the earliest starts ${new Date(earliest).toISOString()}`,
  };
}

/**
 * The price entry for a generation, or `undefined` when the catalog has none (see
 * {@link lookupPrice} for the rules and for the reason of a miss).
 *
 * @example
 * findPrice(catalog, { provider: "openai.chat", model: "gpt-4o-mini-2024-07-18", at: new Date() })?.id
 * // "openai/gpt-4o-mini@2024-07-18"
 */
export function findPrice(catalog: PriceCatalog, lookup: PriceLookup): PriceEntry | undefined {
  const result = lookupPrice(catalog, lookup);
  return result.found ? result.entry : undefined;
}

let builtIn: PriceCatalog | undefined;

/** The catalog of built-in list prices only, validated once. */
export function builtInCatalog(): PriceCatalog {
  builtIn ??= { builtIn: validatePriceEntries(builtInPriceEntries, "built-in prices"), overrides: [] };
  return builtIn;
}

/**
 * Every entry of a catalog with its source, overrides first, then by provider and id: what the
 * dashboard's prices page lists.
 */
export function catalogEntries(catalog: PriceCatalog = builtInCatalog()): readonly CatalogListing[] {
  const byProviderAndId = (a: CatalogListing, b: CatalogListing) =>
    a.entry.provider.localeCompare(b.entry.provider) || a.entry.id.localeCompare(b.entry.id);
  return [
    ...catalog.overrides.map((entry) => ({ entry, source: "override" as const })).sort(byProviderAndId),
    ...catalog.builtIn.map((entry) => ({ entry, source: "built-in" as const })).sort(byProviderAndId),
  ];
}
