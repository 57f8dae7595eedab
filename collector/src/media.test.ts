import { Generation } from "@genledger/core";
import { describe, expect, it } from "vitest";
import { IngestNotes } from "./mapping/notes.ts";
import { extractMedia } from "./media.ts";

function record(parts: unknown[]) {
  return Generation.parse({
    id: "g1",
    projectId: "p",
    status: "complete",
    startedAt: new Date(),
    prompt: { messages: [{ role: "user", parts }] },
  });
}

function sink() {
  const puts: Array<{ bytes: Buffer; mimeType: string }> = [];
  return {
    puts,
    put: async (bytes: Uint8Array, mimeType: string) => {
      puts.push({ bytes: Buffer.from(bytes), mimeType });
      return { id: `sha256:${String(puts.length).padStart(64, "0")}`, size: bytes.length };
    },
  };
}

describe("media extraction", () => {
  it("moves base64 blobs and data URIs to the store, once per content", async () => {
    const png = Buffer.from("fake png bytes").toString("base64");
    const generation = record([
      { type: "blob", modality: "image", mime_type: "image/png", content: png },
      { type: "uri", uri: `data:image/png;base64,${png}` },
      { type: "uri", uri: "data:text/plain,hello%20world", name: "note.txt" },
      { type: "uri", uri: "https://example.com/cat.jpg" },
      { type: "text", content: "keep me" },
    ]);
    const blobs = sink();
    const count = await extractMedia([generation], blobs, { maxBlobBytes: 1024, notes: new IngestNotes() });
    expect(count).toBe(2);
    expect(blobs.puts.map((put) => [put.bytes.toString(), put.mimeType])).toEqual([
      ["fake png bytes", "image/png"],
      ["hello world", "text/plain"],
    ]);
    const parts = generation.prompt.messages[0]?.parts;
    expect(parts?.[0]).toEqual({
      type: "file",
      modality: "image",
      mime_type: "image/png",
      file_id: `sha256:${"0".repeat(63)}1`,
      size: 14,
    });
    expect(parts?.[1]?.file_id).toBe(parts?.[0]?.file_id);
    expect(parts?.[2]).toMatchObject({
      type: "file",
      modality: "file",
      mime_type: "text/plain",
      name: "note.txt",
    });
    expect(parts?.[3]).toEqual({ type: "uri", uri: "https://example.com/cat.jpg" });
    expect(parts?.[4]).toEqual({ type: "text", content: "keep me" });
  });

  it("replaces an oversize blob by a note part and reports it", async () => {
    const generation = record([
      { type: "blob", mime_type: "video/mp4", content: Buffer.alloc(3000).toString("base64") },
    ]);
    const notes = new IngestNotes();
    const blobs = sink();
    await extractMedia([generation], blobs, { maxBlobBytes: 1000, notes });
    expect(blobs.puts).toEqual([]);
    expect(generation.prompt.messages[0]?.parts[0]).toMatchObject({
      type: "note",
      modality: "video",
      mime_type: "video/mp4",
      size: 3000,
    });
    expect(notes.message()).toContain("GENLEDGER_INGEST_MAX_BLOB_BYTES");
  });

  it("leaves content that is not base64 where it is", async () => {
    const generation = record([{ type: "blob", mime_type: "image/png", content: "<<not base64>>" }]);
    await extractMedia([generation], sink(), { maxBlobBytes: 1000, notes: new IngestNotes() });
    expect(generation.prompt.messages[0]?.parts[0]).toMatchObject({
      type: "blob",
      content: "<<not base64>>",
    });
  });
});
