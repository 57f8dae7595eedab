/**
 * Model-name patterns and their specificity. Three kinds, from most to least specific:
 * - exact: the pattern is the whole name ("gpt-4o-2024-05-13");
 * - family: the name is the pattern plus snapshot suffixes only ("gpt-4o" matches
 *   "gpt-4o-2024-11-20" and "gpt-4o-latest" but never "gpt-4o-mini");
 * - glob: the pattern holds `*` wildcards ("llama-3.3-70b-*").
 * Within a kind, the longer literal text wins.
 */

/** Dated-snapshot and alias suffixes that keep a model in its family's price. */
const SNAPSHOT_SUFFIX = /^(?:-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4}|latest))+$/;

const EXACT = 3_000_000;
const FAMILY = 2_000_000;
const GLOB = 1_000_000;

/** A pattern ready to test names against. */
export interface CompiledPattern {
  readonly source: string;
  readonly glob: RegExp | undefined;
  readonly literalLength: number;
}

/** Compiles one lower-case pattern from an entry's `match` list. */
export function compilePattern(pattern: string): CompiledPattern {
  const source = pattern.toLowerCase();
  if (!source.includes("*")) return { source, glob: undefined, literalLength: source.length };
  const body = source
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return { source, glob: new RegExp(`^${body}$`), literalLength: source.replaceAll("*", "").length };
}

/**
 * Scores how specifically `pattern` names `model` (already normalized); -1 when it does not match.
 * Higher is more specific: any exact match beats any family match, which beats any glob.
 */
export function matchScore(pattern: CompiledPattern, model: string): number {
  if (pattern.glob) return pattern.glob.test(model) ? GLOB + pattern.literalLength : -1;
  if (model === pattern.source) return EXACT + pattern.literalLength;
  if (model.startsWith(pattern.source) && SNAPSHOT_SUFFIX.test(model.slice(pattern.source.length))) {
    return FAMILY + pattern.literalLength;
  }
  return -1;
}
