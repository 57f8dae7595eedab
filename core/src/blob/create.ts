import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileBlobStore, defaultBlobDir } from "./file.ts";
import { createS3BlobStore } from "./s3.ts";
import type { BlobStore } from "./types.ts";
import { createVercelBlobStore } from "./vercel.ts";

/** Options of {@link createBlobStore}. */
export interface CreateBlobStoreOptions {
  /** Environment to read `GENLEDGER_DATA_DIR`, `GENLEDGER_S3_*`, `BLOB_READ_WRITE_TOKEN` from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A blob store for a URL:
 * - none: the directory `<GENLEDGER_DATA_DIR or ./.genledger>/blobs`;
 * - `file:///abs/dir`, `file://./rel/dir` or a plain path: that directory;
 * - `s3://bucket/prefix`: an S3-compatible bucket; `GENLEDGER_S3_ENDPOINT`, `GENLEDGER_S3_REGION`,
 *   `GENLEDGER_S3_FORCE_PATH_STYLE` configure the server, credentials come from the AWS environment;
 * - `vercel-blob://prefix` (`?access=public` for a public store): Vercel Blob with `BLOB_READ_WRITE_TOKEN`.
 *
 * Client libraries are imported when the store is first used, so a file store never loads them.
 * Throws a TypeError naming the bad value for a malformed URL or missing setting.
 *
 * @example
 * ```ts
 * const blobs = createBlobStore(process.env.GENLEDGER_BLOB_URL);
 * ```
 */
export function createBlobStore(url?: string, options: CreateBlobStoreOptions = {}): BlobStore {
  const env = options.env ?? process.env;
  if (url === undefined || url.trim() === "") return createFileBlobStore(defaultBlobDir(env));
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return createFileBlobStore(resolve(url));
  if (scheme === "file") {
    if (!url.startsWith("file://")) throw badUrl(url, "file:///absolute/dir or file://./relative/dir");
    const rest = url.slice("file://".length);
    if (!rest) throw badUrl(url, "file:///absolute/dir or file://./relative/dir");
    // Standard file URLs (file:///abs, file://localhost/abs); `file://./rel` is a relative directory.
    if (rest.startsWith("/") || rest.startsWith("localhost/")) return createFileBlobStore(fileURLToPath(url));
    return createFileBlobStore(resolve(decodeURIComponent(rest)));
  }
  if (scheme === "s3") {
    const parsed = parseUrl(url, "s3://bucket/prefix");
    const bucket = parsed.hostname;
    if (!BUCKET_PATTERN.test(bucket)) {
      throw new TypeError(
        `invalid S3 bucket ${JSON.stringify(bucket)} in blob store URL: expected 3-63 characters of a-z, 0-9, "." and "-" (s3://bucket/prefix)`,
      );
    }
    return createS3BlobStore({
      bucket,
      prefix: decodeURIComponent(parsed.pathname),
      ...(env.GENLEDGER_S3_ENDPOINT ? { endpoint: checkEndpoint(env.GENLEDGER_S3_ENDPOINT) } : {}),
      region: env.GENLEDGER_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
      forcePathStyle: parseBool("GENLEDGER_S3_FORCE_PATH_STYLE", env.GENLEDGER_S3_FORCE_PATH_STYLE),
    });
  }
  if (scheme === "vercel-blob") {
    const parsed = parseUrl(url, "vercel-blob://prefix");
    const access = parsed.searchParams.get("access") ?? "private";
    if (access !== "private" && access !== "public") {
      throw new TypeError(
        `invalid access ${JSON.stringify(access)} in blob store URL ${url}: expected "private" or "public"`,
      );
    }
    const token = env.BLOB_READ_WRITE_TOKEN;
    if (!token) {
      throw new TypeError(
        "BLOB_READ_WRITE_TOKEN is not set: the vercel-blob:// blob store needs the Blob store's read-write token",
      );
    }
    return createVercelBlobStore({
      token,
      access,
      prefix: decodeURIComponent(`${parsed.host}${parsed.pathname}`),
    });
  }
  throw new TypeError(
    `unsupported blob store URL ${JSON.stringify(url)}: expected file:///dir, s3://bucket/prefix or vercel-blob://prefix`,
  );
}

function parseUrl(url: string, expected: string): URL {
  try {
    return new URL(url);
  } catch {
    throw badUrl(url, expected);
  }
}

function badUrl(url: string, expected: string): TypeError {
  return new TypeError(`invalid blob store URL ${JSON.stringify(url)}: expected ${expected}`);
}

function checkEndpoint(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return value;
  } catch {}
  throw new TypeError(
    `invalid GENLEDGER_S3_ENDPOINT ${JSON.stringify(value)}: expected an http(s) URL, e.g. http://127.0.0.1:9000`,
  );
}

function parseBool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "1") return true;
  if (lower === "false" || lower === "0") return false;
  throw new TypeError(`invalid ${name} ${JSON.stringify(value)}: expected true or false`);
}
