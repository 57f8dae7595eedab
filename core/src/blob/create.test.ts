import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBlobStore } from "./create.ts";
import { blobIdOf } from "./id.ts";
import { vercelBlobPathname } from "./vercel.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "genledger-blob-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("createBlobStore", () => {
  it("defaults to <GENLEDGER_DATA_DIR>/blobs", async () => {
    const store = createBlobStore(undefined, { env: { GENLEDGER_DATA_DIR: dir } });
    expect(store.kind).toBe("file");
    const { id } = await store.put(new Uint8Array([1]), "application/octet-stream");
    const again = createBlobStore(`file://${join(dir, "blobs")}`);
    expect(await again.has(id)).toBe(true);
    expect(await createBlobStore(join(dir, "blobs")).has(id)).toBe(true);
    expect(await createBlobStore(pathToFileURL(join(dir, "blobs")).href).has(id)).toBe(true);
    expect(await createBlobStore(`file://localhost${join(dir, "blobs")}`).has(id)).toBe(true);
  });

  it("builds S3 and Vercel Blob stores from their URLs without touching the network", () => {
    const s3 = createBlobStore("s3://my-bucket/some/prefix", {
      env: { GENLEDGER_S3_ENDPOINT: "http://127.0.0.1:9000", GENLEDGER_S3_FORCE_PATH_STYLE: "true" },
    });
    expect(s3.kind).toBe("s3");
    const vercel = createBlobStore("vercel-blob://genledger/media?access=public", {
      env: { BLOB_READ_WRITE_TOKEN: "vercel_blob_rw_test" },
    });
    expect(vercel.kind).toBe("vercel-blob");
  });

  it("names what is wrong in a bad configuration", () => {
    expect(() => createBlobStore("ftp://host/dir")).toThrow(/unsupported blob store URL "ftp:\/\/host\/dir"/);
    expect(() => createBlobStore("s3://A_B/x")).toThrow(/invalid S3 bucket "A_B"/);
    expect(() =>
      createBlobStore("s3://bucket-ok/x", { env: { GENLEDGER_S3_FORCE_PATH_STYLE: "yes" } }),
    ).toThrow(/GENLEDGER_S3_FORCE_PATH_STYLE "yes"/);
    expect(() =>
      createBlobStore("s3://bucket-ok/x", { env: { GENLEDGER_S3_ENDPOINT: "localhost:9000" } }),
    ).toThrow(/GENLEDGER_S3_ENDPOINT "localhost:9000"/);
    expect(() => createBlobStore("vercel-blob://x", { env: {} })).toThrow(/BLOB_READ_WRITE_TOKEN is not set/);
    expect(() =>
      createBlobStore("vercel-blob://x?access=world", { env: { BLOB_READ_WRITE_TOKEN: "t" } }),
    ).toThrow(/invalid access "world"/);
    expect(() => createBlobStore("file://")).toThrow(/invalid blob store URL "file:\/\/"/);
  });
});

describe("vercel blob pathnames", () => {
  it("are content-addressed under the prefix", () => {
    const id = blobIdOf(new TextEncoder().encode("hello"));
    const hex = id.slice("sha256:".length);
    expect(vercelBlobPathname(id)).toBe(`sha256/${hex.slice(0, 2)}/${hex}`);
    expect(vercelBlobPathname(id, "/genledger/media/")).toBe(
      `genledger/media/sha256/${hex.slice(0, 2)}/${hex}`,
    );
    expect(() => vercelBlobPathname("sha256:../../x")).toThrow(/invalid blob id/);
  });
});
