import { createHash } from "node:crypto";

const TAG = "__genledger";

/**
 * JSON with the values provider results carry that JSON loses: bytes (generated files), dates
 * (response timestamps) and URLs. Round-trips through {@link decodeValue}.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const original = this[key];
    if (original instanceof Uint8Array)
      return { [TAG]: "bytes", v: Buffer.from(original).toString("base64") };
    if (original instanceof Date) return { [TAG]: "date", v: original.toISOString() };
    if (original instanceof URL) return { [TAG]: "url", v: original.href };
    if (original instanceof Error) return { [TAG]: "error", v: original.message };
    return typeof v === "bigint" ? v.toString() : v;
  });
}

/** Reverses {@link encodeValue}. */
export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === "object" && typeof v[TAG] === "string") {
      if (v[TAG] === "bytes") return new Uint8Array(Buffer.from(v.v, "base64"));
      if (v[TAG] === "date") return new Date(v.v);
      if (v[TAG] === "url") return new URL(v.v);
      if (v[TAG] === "error") return new Error(v.v);
    }
    return v;
  });
}

/**
 * Canonical JSON: object keys sorted, undefined and functions left out, bytes as base64, so that
 * equal call parameters give equal text whatever order they were built in.
 */
export function canonicalJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") {
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "function" || typeof v === "symbol") return undefined;
      return v;
    }
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString("base64") };
    if (v instanceof Date) return v.toISOString();
    if (v instanceof URL) return v.href;
    if (seen.has(v)) return "[circular]";
    seen.add(v);
    if (Array.isArray(v)) return v.map((x) => walk(x) ?? null);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      const x = walk((v as Record<string, unknown>)[key]);
      if (x !== undefined) out[key] = x;
    }
    return out;
  };
  return JSON.stringify(walk(value));
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
