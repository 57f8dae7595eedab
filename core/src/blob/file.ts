import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { blobIdOf, blobKey, checkBytes, checkMimeType, DEFAULT_MIME_TYPE, verifyBlob } from "./id.ts";
import type { BlobStore } from "./types.ts";

/**
 * A blob store in a local directory: `<dir>/sha256/<ab>/<hex>` holds the bytes and
 * `<dir>/sha256/<ab>/<hex>.mime` the mime type. Writes go to a temporary file that is fsync'd,
 * then renamed into place, then the directory is fsync'd: a crash leaves either the whole blob
 * or none of it, never a torn one under its final name.
 */
export function createFileBlobStore(dir: string): BlobStore {
  const root = resolve(dir);
  const pathOf = (id: string) => join(root, blobKey(id));

  return {
    kind: "file",
    async put(bytes, mimeType) {
      checkBytes(bytes);
      checkMimeType(mimeType);
      const id = blobIdOf(bytes);
      const path = pathOf(id);
      if (await exists(path)) return { id, size: bytes.byteLength };
      await mkdir(dirname(path), { recursive: true });
      const mimeTemp = await writeTemp(`${path}.mime`, Buffer.from(mimeType, "utf8"));
      const dataTemp = await writeTemp(path, bytes);
      // The mime file goes first, so whenever the data file exists its mime type does too.
      await rename(mimeTemp, `${path}.mime`);
      await rename(dataTemp, path);
      await syncDir(dirname(path));
      return { id, size: bytes.byteLength };
    },
    async get(id) {
      const path = pathOf(id);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
      verifyBlob(id, bytes);
      let mimeType = DEFAULT_MIME_TYPE;
      try {
        mimeType = (await readFile(`${path}.mime`, "utf8")).trim() || DEFAULT_MIME_TYPE;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), mimeType };
    },
    async has(id) {
      return await exists(pathOf(id));
    },
  };
}

/** `<GENLEDGER_DATA_DIR or ./.genledger>/blobs`, absolute. */
export function defaultBlobDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.GENLEDGER_DATA_DIR || ".genledger", "blobs");
}

async function writeTemp(finalPath: string, data: Uint8Array): Promise<string> {
  const temp = `${finalPath}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
