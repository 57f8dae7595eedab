export type { CreateBlobStoreOptions } from "./create.ts";
export { createBlobStore } from "./create.ts";
export { createFileBlobStore, defaultBlobDir } from "./file.ts";
export {
  BlobIntegrityError,
  blobIdHex,
  blobIdOf,
  blobKey,
  DEFAULT_MIME_TYPE,
  InvalidBlobIdError,
  isValidBlobId,
} from "./id.ts";
export type { S3BlobStoreOptions } from "./s3.ts";
export { createS3BlobStore } from "./s3.ts";
export type { BlobStore, BlobStoreKind } from "./types.ts";
export type { VercelBlobStoreOptions } from "./vercel.ts";
export { createVercelBlobStore, vercelBlobPathname } from "./vercel.ts";
