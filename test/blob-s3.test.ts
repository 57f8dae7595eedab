import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlobStore } from "../core/src/blob/create.ts";
import { BlobIntegrityError, blobIdOf, InvalidBlobIdError } from "../core/src/blob/id.ts";
import type { BlobStore } from "../core/src/blob/types.ts";
import { type S3Server, startS3Server } from "./support/s3-server.ts";

// Credentials for the local server only; the store reads them through the AWS SDK's env chain.
process.env.AWS_ACCESS_KEY_ID = "genledger-test";
process.env.AWS_SECRET_ACCESS_KEY = "genledger-test-secret";

let server: S3Server;
let admin: S3Client;
const bucket = "genledger-blobs";

beforeAll(async () => {
  server = await startS3Server();
  admin = new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "genledger-test", secretAccessKey: "genledger-test-secret" },
  });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  admin?.destroy();
  await server?.stop();
});

function storeFor(prefix: string): BlobStore {
  return createBlobStore(`s3://${bucket}/${prefix}`, {
    env: {
      ...process.env,
      GENLEDGER_S3_ENDPOINT: server.endpoint,
      GENLEDGER_S3_REGION: "us-east-1",
      GENLEDGER_S3_FORCE_PATH_STYLE: "true",
    },
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? "").sort();
}

describe("S3 blob store against a real S3-compatible server", () => {
  it("puts, gets and checks a blob under a content-addressed key", async () => {
    const store = storeFor("run-a");
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);
    const expectedId = blobIdOf(bytes);
    expect(await store.has(expectedId)).toBe(false);
    expect(await store.get(expectedId)).toBeNull();

    const { id, size } = await store.put(bytes, "image/png");
    expect(id).toBe(expectedId);
    expect(size).toBe(bytes.byteLength);
    const hex = id.slice("sha256:".length);
    expect(await keysUnder("run-a/")).toEqual([`run-a/sha256/${hex.slice(0, 2)}/${hex}`]);

    expect(await store.has(id)).toBe(true);
    const got = await store.get(id);
    expect(got?.mimeType).toBe("image/png");
    expect(Buffer.from(got!.bytes).equals(Buffer.from(bytes))).toBe(true);

    // The object is a plain S3 object with the mime type as its Content-Type.
    const raw = await admin.send(
      new GetObjectCommand({ Bucket: bucket, Key: `run-a/sha256/${hex.slice(0, 2)}/${hex}` }),
    );
    expect(raw.ContentType).toBe("image/png");
    await store.close?.();
  });

  it("stores the same bytes once", async () => {
    const store = storeFor("run-b");
    const bytes = new TextEncoder().encode("a generated file");
    const results = [
      await store.put(bytes, "text/plain"),
      await store.put(bytes, "application/octet-stream"),
    ];
    results.push(...(await Promise.all([store.put(bytes, "text/plain"), store.put(bytes, "text/plain")])));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await keysUnder("run-b/")).toHaveLength(1);
    expect((await store.get(results[0]!.id))?.mimeType).toBe("text/plain");
    await store.close?.();
  });

  it("keeps prefixes apart and rejects malformed ids before any request", async () => {
    const a = storeFor("tenant-a");
    const b = storeFor("tenant-b");
    const { id } = await a.put(new Uint8Array([1, 2, 3]), "application/octet-stream");
    expect(await b.has(id)).toBe(false);
    await expect(a.get("sha256:../../other-bucket/key")).rejects.toBeInstanceOf(InvalidBlobIdError);
    await expect(a.has("../x")).rejects.toBeInstanceOf(InvalidBlobIdError);
    await a.close?.();
    await b.close?.();
  });

  it("detects an object whose bytes do not match its id", async () => {
    const store = storeFor("run-c");
    const { id } = await store.put(new Uint8Array([4, 5, 6]), "application/octet-stream");
    const hex = id.slice("sha256:".length);
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    await admin.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `run-c/sha256/${hex.slice(0, 2)}/${hex}`,
        Body: "tampered",
      }),
    );
    await expect(store.get(id)).rejects.toBeInstanceOf(BlobIntegrityError);
    await store.close?.();
  });

  it("reports a missing bucket as an error, not as a missing blob", async () => {
    const store = createBlobStore("s3://no-such-bucket/x", {
      env: { ...process.env, GENLEDGER_S3_ENDPOINT: server.endpoint, GENLEDGER_S3_FORCE_PATH_STYLE: "true" },
    });
    await expect(store.put(new Uint8Array([7]), "text/plain")).rejects.toThrow(/bucket/i);
    await expect(store.get(blobIdOf(new Uint8Array([7])))).rejects.toThrow(/bucket/i);
    await store.close?.();
  });
});
