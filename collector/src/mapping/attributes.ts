import type { Attributes, AttributeValue } from "../otlp/types.ts";

/**
 * Typed reads of span attributes that forgive wrong types: a number sent as a string is still a
 * number, a JSON array sent as a string is still an array. Anything that cannot be read as the
 * asked type is `undefined`, never an exception.
 */

/** The value as text: strings as they are, numbers and booleans printed; others undefined. */
export function readString(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A finite number, from a number or a numeric string. */
export function readNumber(attributes: Attributes, key: string): number | undefined {
  const value = attributes[key];
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A boolean, from a boolean or "true"/"false". */
export function readBoolean(attributes: Attributes, key: string): boolean | undefined {
  const value = attributes[key];
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** A list of strings: an array attribute, a JSON array in a string, or one string. */
export function readStringArray(attributes: Attributes, key: string): string[] | undefined {
  const value = attributes[key];
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? item : toJsonText(item)));
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed.startsWith("[")) {
      const parsed = tryParseJson(trimmed);
      if (Array.isArray(parsed))
        return parsed.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
    }
    return trimmed === "" ? [] : [value];
  }
  return undefined;
}

/**
 * A structured value: JSON text parsed, or an OTLP array/kvlist converted to plain data.
 * Returns `{ ok: false }` for text that is not JSON, so callers can keep the raw text.
 */
export function readJson(
  attributes: Attributes,
  key: string,
): { ok: true; value: unknown } | { ok: false; raw?: string } {
  const value = attributes[key];
  if (value === undefined || value === null) return { ok: false };
  if (typeof value === "string") {
    const parsed = tryParseJson(value);
    return parsed === NOT_JSON ? { ok: false, raw: value } : { ok: true, value: parsed };
  }
  return { ok: true, value: toPlain(value) };
}

const NOT_JSON = Symbol("not json");

/** `JSON.parse`, returning a marker instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** True when {@link tryParseJson} failed. */
export function isNotJson(value: unknown): boolean {
  return value === NOT_JSON;
}

/** An OTLP value as plain JSON data (bytes as base64). */
export function toPlain(value: AttributeValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (Array.isArray(value)) return value.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = toPlain(item as AttributeValue);
  return out;
}

/** An OTLP value as text for storage: strings as they are, everything else as JSON. */
export function toJsonText(value: AttributeValue): string {
  if (typeof value === "string") return value;
  if (value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(toPlain(value));
}

/** True when any of `keys` is present. */
export function hasAny(attributes: Attributes, keys: readonly string[]): boolean {
  for (const key of keys) if (attributes[key] !== undefined) return true;
  return false;
}
