/**
 * Content-addressed storage for generated images, files and oversized payloads. A blob's ID is
 * `sha256:<hex>` of its bytes, so the same bytes are stored once and an ID always names the same
 * content.
 *
 * @example
 * ```ts
 * const blobs = createBlobStore("s3://my-bucket/genledger");
 * const { id } = await blobs.put(pngBytes, "image/png");
 * const blob = await blobs.get(id); // { bytes, mimeType: "image/png" }
 * ```
 */
export interface BlobStore {
  /** Which backend this is (`file`, `s3`, `vercel-blob`), for logs and /readyz. */
  readonly kind: BlobStoreKind;
  /**
   * Stores `bytes` unless a blob with the same content exists (then nothing is written), and
   * resolves once the bytes are durable. The mime type of the first put wins.
   */
  put(bytes: Uint8Array, mimeType: string): Promise<{ id: string; size: number }>;
  /** The blob's bytes and mime type, or null when no blob has this ID. Throws for a malformed ID. */
  get(id: string): Promise<{ bytes: Uint8Array; mimeType: string } | null>;
  /** True when a blob with this ID exists. Throws for a malformed ID. */
  has(id: string): Promise<boolean>;
  /** Releases connections held by the client library, if any. */
  close?(): Promise<void>;
}

/** The blob store backends. */
export type BlobStoreKind = "file" | "s3" | "vercel-blob";
