import { createHash } from "node:crypto";

const BLOB_ID_PATTERN = /^sha256:([0-9a-f]{64})$/;
// type/subtype with optional parameters; printable ASCII only, so it is safe as a header and a file.
const MIME_PATTERN = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;[ -~]*)?$/;

/** Mime type used when a store has none recorded. */
export const DEFAULT_MIME_TYPE = "application/octet-stream";

/** A blob ID that is not `sha256:` followed by 64 lowercase hex digits. */
export class InvalidBlobIdError extends Error {
  override name = "InvalidBlobIdError";
  constructor(id: unknown) {
    const shown = typeof id === "string" ? JSON.stringify(id.slice(0, 100)) : typeof id;
    super(`invalid blob id ${shown}: expected "sha256:" followed by 64 lowercase hex digits`);
  }
}

/** Stored bytes whose SHA-256 does not match their ID: the object was corrupted or replaced. */
export class BlobIntegrityError extends Error {
  override name = "BlobIntegrityError";
  constructor(id: string, actual: string) {
    super(`blob ${id} is corrupt: its bytes hash to sha256:${actual}`);
  }
}

/** True when `id` is a well-formed blob ID (`sha256:<64 lowercase hex>`). */
export function isValidBlobId(id: unknown): id is string {
  return typeof id === "string" && BLOB_ID_PATTERN.test(id);
}

/** The hex digest of a blob ID; throws {@link InvalidBlobIdError} for anything else. */
export function blobIdHex(id: unknown): string {
  const match = typeof id === "string" ? BLOB_ID_PATTERN.exec(id) : null;
  if (!match?.[1]) throw new InvalidBlobIdError(id);
  return match[1];
}

/** The ID the store gives these bytes. */
export function blobIdOf(bytes: Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}

/**
 * The relative key of a blob in every backend: `sha256/<first two hex>/<hex>`. The two-character
 * fan-out keeps directories small; the key is built only from validated hex, so it cannot escape.
 */
export function blobKey(id: string): string {
  const hex = blobIdHex(id);
  return `sha256/${hex.slice(0, 2)}/${hex}`;
}

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Throws {@link BlobIntegrityError} unless `bytes` hash to `id`. */
export function verifyBlob(id: string, bytes: Uint8Array): void {
  const actual = sha256Hex(bytes);
  if (`sha256:${actual}` !== id) throw new BlobIntegrityError(id, actual);
}

/** Validates a mime type for storage; throws a TypeError naming the bad value. */
export function checkMimeType(mimeType: unknown): string {
  if (typeof mimeType !== "string" || mimeType.length > 255 || !MIME_PATTERN.test(mimeType)) {
    const shown = typeof mimeType === "string" ? JSON.stringify(mimeType.slice(0, 100)) : typeof mimeType;
    throw new TypeError(`invalid mime type ${shown}: expected "type/subtype", e.g. "image/png"`);
  }
  return mimeType;
}

/** Throws a TypeError unless `bytes` is a Uint8Array (a Buffer is one). */
export function checkBytes(bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("blob bytes must be a Uint8Array");
  return bytes;
}
