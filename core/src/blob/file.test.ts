import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileBlobStore } from "./file.ts";
import { BlobIntegrityError, blobIdOf, InvalidBlobIdError } from "./id.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "genledger-blob-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe("file blob store", () => {
  it("stores bytes under their sha256 and reads them back with the mime type", async () => {
    const store = createFileBlobStore(dir);
    const { id, size } = await store.put(png, "image/png");
    expect(id).toBe(blobIdOf(png));
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(size).toBe(png.byteLength);
    const hex = id.slice("sha256:".length);
    expect(readdirSync(join(dir, "sha256", hex.slice(0, 2))).sort()).toEqual([hex, `${hex}.mime`]);
    expect(readFileSync(join(dir, "sha256", hex.slice(0, 2), `${hex}.mime`), "utf8")).toBe("image/png");
    const got = await store.get(id);
    expect(got?.mimeType).toBe("image/png");
    expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(png))).toBe(true);
    expect(await store.has(id)).toBe(true);
  });

  it("stores the same bytes once: the first mime type wins and no temp files stay", async () => {
    const store = createFileBlobStore(dir);
    const first = await store.put(png, "image/png");
    const second = await store.put(Buffer.from(png), "application/octet-stream");
    expect(second.id).toBe(first.id);
    expect((await store.get(first.id))?.mimeType).toBe("image/png");
    const hex = first.id.slice("sha256:".length);
    expect(readdirSync(join(dir, "sha256", hex.slice(0, 2)))).toHaveLength(2);
  });

  it("handles concurrent puts of the same bytes", async () => {
    const store = createFileBlobStore(dir);
    const bytes = new TextEncoder().encode("same content ".repeat(1000));
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes, "text/plain")));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const hex = results[0]!.id.slice("sha256:".length);
    expect(readdirSync(join(dir, "sha256", hex.slice(0, 2))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(new TextDecoder().decode((await store.get(results[0]!.id))!.bytes)).toBe(
      "same content ".repeat(1000),
    );
  });

  it("answers null and false for an unknown id", async () => {
    const store = createFileBlobStore(dir);
    const id = blobIdOf(new Uint8Array([9, 9, 9]));
    expect(await store.get(id)).toBeNull();
    expect(await store.has(id)).toBe(false);
  });

  it("stores empty blobs", async () => {
    const store = createFileBlobStore(dir);
    const { id, size } = await store.put(new Uint8Array(), "text/plain");
    expect(size).toBe(0);
    expect((await store.get(id))?.bytes.byteLength).toBe(0);
  });

  it("rejects ids that are not sha256 hex, including path traversal", async () => {
    const store = createFileBlobStore(dir);
    const bad = [
      "../../etc/passwd",
      "sha256:../../../../etc/passwd",
      `sha256:${"A".repeat(64)}`,
      `sha256:${"a".repeat(63)}`,
      `sha256:${"a".repeat(64)}/x`,
      `sha256:${"a".repeat(64)}\n`,
      `md5:${"a".repeat(32)}`,
      "",
    ];
    for (const id of bad) {
      await expect(store.get(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
      await expect(store.has(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
    }
  });

  it("rejects bad mime types and non-byte input with a clear error", async () => {
    const store = createFileBlobStore(dir);
    await expect(store.put(png, "png")).rejects.toThrow(/invalid mime type "png"/);
    await expect(store.put(png, "image/png\r\nX-Evil: 1")).rejects.toThrow(/invalid mime type/);
    await expect(store.put("text" as unknown as Uint8Array, "text/plain")).rejects.toThrow(/Uint8Array/);
    await expect(store.put(png, "text/plain; charset=utf-8")).resolves.toMatchObject({
      size: png.byteLength,
    });
  });

  it("detects a blob whose bytes were changed on disk", async () => {
    const store = createFileBlobStore(dir);
    const { id } = await store.put(png, "image/png");
    const hex = id.slice("sha256:".length);
    writeFileSync(join(dir, "sha256", hex.slice(0, 2), hex), "tampered");
    await expect(store.get(id)).rejects.toBeInstanceOf(BlobIntegrityError);
  });
});
