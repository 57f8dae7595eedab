import { blobIdOf, blobKey, checkBytes, checkMimeType, DEFAULT_MIME_TYPE, verifyBlob } from "./id.ts";
import type { BlobStore } from "./types.ts";

/** Options of the Vercel Blob store. */
export interface VercelBlobStoreOptions {
  /** Read-write token of the Blob store (`BLOB_READ_WRITE_TOKEN`). */
  token: string;
  /** Pathname prefix (the host and path of `vercel-blob://prefix`), without slashes at the ends. */
  prefix?: string;
  /**
   * `private` (the default: generated files can hold personal data) or `public`
   * (`vercel-blob://prefix?access=public`). Must match the Blob store's own access setting.
   */
  access?: "private" | "public";
}

/**
 * A blob store on Vercel Blob: pathnames `<prefix>/sha256/<ab>/<hex>` without a random suffix, so
 * the pathname alone finds a blob. `@vercel/blob` is imported on first use only.
 */
export function createVercelBlobStore(options: VercelBlobStoreOptions): BlobStore {
  if (!options.token) {
    throw new TypeError("Vercel Blob store: set BLOB_READ_WRITE_TOKEN (the Blob store's read-write token)");
  }
  const access = options.access ?? "private";
  if (access !== "private" && access !== "public") {
    throw new TypeError(
      `Vercel Blob store: access must be "private" or "public", got ${JSON.stringify(access)}`,
    );
  }
  const token = options.token;
  const prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
  let sdkPromise: Promise<typeof import("@vercel/blob")> | undefined;
  const sdk = () => {
    sdkPromise ??= import("@vercel/blob");
    return sdkPromise;
  };

  const has = async (id: string) => {
    const pathname = vercelBlobPathname(id, prefix);
    const blob = await sdk();
    try {
      await blob.head(pathname, { token });
      return true;
    } catch (error) {
      if (error instanceof blob.BlobNotFoundError) return false;
      throw error;
    }
  };

  return {
    kind: "vercel-blob",
    has,
    async put(bytes, mimeType) {
      checkBytes(bytes);
      checkMimeType(mimeType);
      const id = blobIdOf(bytes);
      if (await has(id)) return { id, size: bytes.byteLength };
      const blob = await sdk();
      try {
        await blob.put(vercelBlobPathname(id, prefix), Buffer.from(bytes), {
          access,
          token,
          contentType: mimeType,
          addRandomSuffix: false,
          allowOverwrite: false,
        });
      } catch (error) {
        // A concurrent put of the same bytes won the race: the content is there, which is all we need.
        if (await has(id).catch(() => false)) return { id, size: bytes.byteLength };
        throw error;
      }
      return { id, size: bytes.byteLength };
    },
    async get(id) {
      const pathname = vercelBlobPathname(id, prefix);
      const blob = await sdk();
      const result = await blob.get(pathname, { access, token, useCache: false });
      if (result?.statusCode !== 200) return null;
      const bytes = new Uint8Array(await new Response(result.stream).arrayBuffer());
      verifyBlob(id, bytes);
      return { bytes, mimeType: result.blob.contentType || DEFAULT_MIME_TYPE };
    },
  };
}

/** The Vercel Blob pathname of a blob ID: `<prefix>/sha256/<ab>/<hex>`. */
export function vercelBlobPathname(id: string, prefix = ""): string {
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return clean ? `${clean}/${blobKey(id)}` : blobKey(id);
}
