import type { S3Client } from "@aws-sdk/client-s3";
import { blobIdOf, blobKey, checkBytes, checkMimeType, DEFAULT_MIME_TYPE, verifyBlob } from "./id.ts";
import type { BlobStore } from "./types.ts";

/** Where and how to reach an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, ...). */
export interface S3BlobStoreOptions {
  /** Bucket name: the host of `s3://bucket/prefix`. */
  bucket: string;
  /** Key prefix inside the bucket (the path of `s3://bucket/prefix`), without slashes at the ends. */
  prefix?: string;
  /** Endpoint URL for a non-AWS server (`GENLEDGER_S3_ENDPOINT`), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Region (`GENLEDGER_S3_REGION`, else `AWS_REGION`, else `us-east-1`). */
  region?: string;
  /** Path-style URLs, `endpoint/bucket/key` (`GENLEDGER_S3_FORCE_PATH_STYLE`); MinIO needs it. */
  forcePathStyle?: boolean;
  /** Explicit credentials; by default the AWS SDK's chain (`AWS_ACCESS_KEY_ID`, ... ) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * A blob store in an S3-compatible bucket, objects under `<prefix>/sha256/<ab>/<hex>` with the
 * mime type as their Content-Type. `@aws-sdk/client-s3` is imported on first use only.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  if (!options.bucket) throw new TypeError("S3 blob store: a bucket is required (s3://bucket/prefix)");
  const prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
  const keyOf = (id: string) => (prefix ? `${prefix}/${blobKey(id)}` : blobKey(id));
  let clientPromise: Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> | undefined;
  const connect = () => {
    clientPromise ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: options.region || "us-east-1",
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        forcePathStyle: options.forcePathStyle ?? false,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        // The store verifies SHA-256 itself; the SDK's default extra CRC headers are not
        // understood by every S3-compatible server.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    }));
    return clientPromise;
  };

  const has = async (id: string) => {
    const key = keyOf(id);
    const { sdk, client } = await connect();
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  };

  return {
    kind: "s3",
    has,
    async put(bytes, mimeType) {
      checkBytes(bytes);
      checkMimeType(mimeType);
      const id = blobIdOf(bytes);
      if (await has(id)) return { id, size: bytes.byteLength };
      const { sdk, client } = await connect();
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: options.bucket,
          Key: keyOf(id),
          Body: bytes,
          ContentType: mimeType,
          ContentLength: bytes.byteLength,
        }),
      );
      return { id, size: bytes.byteLength };
    },
    async get(id) {
      const key = keyOf(id);
      const { sdk, client } = await connect();
      try {
        const response = await client.send(new sdk.GetObjectCommand({ Bucket: options.bucket, Key: key }));
        const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
        verifyBlob(id, bytes);
        return { bytes, mimeType: response.ContentType || DEFAULT_MIME_TYPE };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async close() {
      if (!clientPromise) return;
      const { client } = await clientPromise;
      client.destroy();
    },
  };
}

// A missing bucket is a configuration error, not a missing blob: only GetObject can tell them apart
// (HEAD responses have no body), so a missing bucket surfaces on get and on put.
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === "NoSuchBucket") return false;
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}
