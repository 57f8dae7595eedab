import { z } from "zod";

/**
 * Parsers for environment values. Every schema takes the raw string and returns a typed value;
 * its messages say what was expected, because they are shown to an operator verbatim.
 */

/** `true`/`false` and the usual spellings (`1`/`0`, `yes`/`no`, `on`/`off`), case-insensitive. */
export const booleanFromEnv = z.string().transform((raw, ctx) => {
  const value = raw.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  ctx.addIssue({ code: "custom", message: "must be true or false" });
  return z.NEVER;
});

/** A TCP port, 0-65535 (0: any free port, the one chosen is printed at start). */
export const portFromEnv = z.string().transform((raw, ctx) => {
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value > 65_535) {
    ctx.addIssue({ code: "custom", message: "must be a port number from 0 to 65535" });
    return z.NEVER;
  }
  return value;
});

/** A whole number within `[min, max]`. */
export function integerFromEnv(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string().transform((raw, ctx) => {
    const value = Number(raw.trim());
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return value;
  });
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** A size: a number of bytes, or with a unit (`512MiB`, `2GB`, `64kb`). */
export const bytesFromEnv = z.string().transform((raw, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = BYTE_UNITS[(match?.[2] || "b").toLowerCase()];
  if (!match || unit === undefined) {
    ctx.addIssue({ code: "custom", message: "must be a size such as 1048576, 512MiB or 2GB" });
    return z.NEVER;
  }
  return Math.floor(Number(match[1]) * unit);
});

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration with a unit (`500ms`, `30s`, `15m`, `2h`, `7d`), in milliseconds. */
export const durationFromEnv = z.string().transform((raw, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/i.exec(raw.trim());
  const unit = match ? DURATION_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    ctx.addIssue({
      code: "custom",
      message: "must be a duration with a unit, such as 500ms, 30s, 15m, 2h or 7d",
    });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * unit);
});

/** A URL whose scheme is one of `schemes` (without the colon). */
export function urlFromEnv(schemes: readonly string[]) {
  const expected = schemes.map((s) => `${s}://`).join(", ");
  return z.string().transform((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      ctx.addIssue({ code: "custom", message: `must be a URL starting with ${expected}` });
      return z.NEVER;
    }
    if (!schemes.includes(url.protocol.slice(0, -1))) {
      ctx.addIssue({ code: "custom", message: `must start with ${expected}` });
      return z.NEVER;
    }
    return raw.trim();
  });
}

/** One of `values`, case-insensitive; returns the canonical spelling. */
export function oneOfFromEnv<const T extends string>(values: readonly T[]) {
  return z.string().transform((raw, ctx): T => {
    const found = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
    if (found === undefined) {
      ctx.addIssue({ code: "custom", message: `must be one of ${values.join(", ")}` });
      return z.NEVER;
    }
    return found;
  });
}

/** Any non-empty text, trimmed. */
export const textFromEnv = z.string().transform((raw) => raw.trim());

/** A secret of at least `min` characters. */
export function secretFromEnv(min: number) {
  return z.string().min(min, `must be at least ${min} characters long`);
}

/** `key=value` pairs separated by commas (the `OTEL_EXPORTER_OTLP_HEADERS` format). */
export const keyValueListFromEnv = z.string().transform((raw, ctx) => {
  const result: Record<string, string> = {};
  for (const pair of raw.split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    if (at <= 0) {
      ctx.addIssue({ code: "custom", message: "must be key=value pairs separated by commas" });
      return z.NEVER;
    }
    result[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return result;
});

/** A comma-separated list of non-empty items. */
export const listFromEnv = z.string().transform((raw) =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);

/** `secret:project` pairs separated by commas (static ingest keys). */
export const ingestKeysFromEnv = z.string().transform((raw, ctx) => {
  const keys: Array<{ secret: string; projectId: string }> = [];
  for (const pair of raw.split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.lastIndexOf(":");
    const secret = at > 0 ? pair.slice(0, at).trim() : "";
    const projectId = at > 0 ? pair.slice(at + 1).trim() : "";
    if (secret.length < 8 || !/^[A-Za-z0-9_-]{1,128}$/.test(projectId)) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be secret:project pairs separated by commas, each secret at least 8 characters and each project 1-128 of A-Z a-z 0-9 _ -",
      });
      return z.NEVER;
    }
    keys.push({ secret, projectId });
  }
  return keys;
});
