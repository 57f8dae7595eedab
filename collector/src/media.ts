import type { Generation, MessagePart } from "@genledger/core";
import { modalityOf } from "./mapping/messages.ts";
import type { IngestNotes } from "./mapping/notes.ts";

/** Where extracted media go: the `put` of core's `BlobStore` (content-addressed, `sha256:<hex>` IDs). */
export interface BlobSink {
  put(bytes: Uint8Array, mimeType: string): Promise<{ id: string; size: number }>;
}

/** Options of {@link extractMedia}. */
export interface ExtractMediaOptions {
  /** Largest blob moved to the store; larger ones become a note part (`GENLEDGER_INGEST_MAX_BLOB_BYTES`). */
  maxBlobBytes: number;
  notes: IngestNotes;
  /** Parallel `put`s; default 8. */
  concurrency?: number;
}

const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DATA_URI = /^data:([^;,]*)((?:;[^;,]*)*),/;

/** A mime type safe to store and to serve back, else `application/octet-stream`. */
export function safeMimeType(value: unknown): string {
  return typeof value === "string" && MIME.test(value.trim())
    ? value.trim().toLowerCase()
    : "application/octet-stream";
}

function safeModality(value: unknown, mimeType: string): string {
  return typeof value === "string" && /^[a-z]{1,32}$/.test(value) ? value : modalityOf(mimeType);
}

/** Decoded size of base64 text without decoding it. */
function base64Size(text: string): number {
  let padding = 0;
  if (text.endsWith("==")) padding = 2;
  else if (text.endsWith("=")) padding = 1;
  return Math.max(0, Math.floor((text.length * 3) / 4) - padding);
}

interface Candidate {
  /** The bytes as text: base64, or a data URI's payload. */
  payload: string;
  base64: boolean;
  mimeType: string;
  modality: string;
  name: string | undefined;
}

/** What in a part is inline media: base64 `blob` content, a `data:` URI, or base64 `file` content. */
function candidateOf(part: MessagePart): Candidate | undefined {
  const mimeType = safeMimeType(part.mime_type);
  const name = typeof part.name === "string" ? part.name : undefined;
  if (
    (part.type === "blob" || (part.type === "file" && part.file_id === undefined)) &&
    typeof part.content === "string"
  ) {
    const compact = part.content.replace(/\s+/g, "");
    const dataUri = DATA_URI.exec(compact);
    if (dataUri !== null) return fromDataUri(compact, dataUri, part, name);
    if (!BASE64.test(compact)) return undefined;
    return {
      payload: compact,
      base64: true,
      mimeType,
      modality: safeModality(part.modality, mimeType),
      name,
    };
  }
  if (part.type === "uri" && typeof part.uri === "string" && part.uri.startsWith("data:")) {
    const dataUri = DATA_URI.exec(part.uri);
    if (dataUri !== null) return fromDataUri(part.uri, dataUri, part, name);
  }
  return undefined;
}

function fromDataUri(
  uri: string,
  match: RegExpExecArray,
  part: MessagePart,
  name: string | undefined,
): Candidate {
  const mimeType = safeMimeType(match[1] || part.mime_type);
  const base64 = (match[2] ?? "").split(";").includes("base64");
  return {
    payload: uri.slice(match[0].length),
    base64,
    mimeType,
    modality: safeModality(part.modality, mimeType),
    name,
  };
}

function decode(candidate: Candidate): Uint8Array {
  if (candidate.base64) return new Uint8Array(Buffer.from(candidate.payload, "base64"));
  try {
    return new TextEncoder().encode(decodeURIComponent(candidate.payload));
  } catch {
    return new TextEncoder().encode(candidate.payload);
  }
}

/**
 * Moves inline media out of the records and into the blob store: base64 `blob` parts (images in
 * `gen_ai.input.messages`, generated files in `gen_ai.output.messages`, AI SDK 5/6 `ai.prompt`
 * images and `ai.response.files` after mapping) and `data:` URIs. Each becomes
 * `{ type: "file", modality, mime_type, file_id: "sha256:<hex>", size }`; one larger than
 * `maxBlobBytes` becomes `{ type: "note", content, modality, mime_type, size }` instead, and the
 * request's partial-success message says so. The same bytes are stored once per request (and once
 * overall: the store is content-addressed).
 * @returns the number of blobs handed to the store.
 * @throws the store's error when a `put` fails (the caller answers 503 so that the client retries).
 */
export async function extractMedia(
  generations: readonly Generation[],
  blobs: BlobSink,
  options: ExtractMediaOptions,
): Promise<number> {
  const jobs: Array<{ parts: MessagePart[]; index: number; candidate: Candidate }> = [];
  for (const generation of generations) {
    for (const message of [...generation.prompt.messages, ...generation.output.messages]) {
      message.parts.forEach((part, index) => {
        const candidate = candidateOf(part);
        if (candidate !== undefined) jobs.push({ parts: message.parts, index, candidate });
      });
    }
  }
  if (jobs.length === 0) return 0;

  const stored = new Map<string, Promise<{ id: string; size: number }>>();
  let next = 0;
  let count = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as (typeof jobs)[number];
      const { candidate } = job;
      const size = candidate.base64 ? base64Size(candidate.payload) : candidate.payload.length;
      if (size > options.maxBlobBytes) {
        const message = `a ${candidate.mimeType} blob of ${size} bytes is over the ${options.maxBlobBytes}-byte limit (GENLEDGER_INGEST_MAX_BLOB_BYTES); replaced by a note`;
        options.notes.note(message);
        job.parts[job.index] = {
          type: "note",
          content: `[genledger: ${candidate.mimeType} of ${size} bytes not stored: over the ${options.maxBlobBytes}-byte limit]`,
          modality: candidate.modality,
          mime_type: candidate.mimeType,
          size,
        };
        continue;
      }
      let put = stored.get(candidate.payload);
      if (put === undefined) {
        put = blobs.put(decode(candidate), candidate.mimeType);
        stored.set(candidate.payload, put);
        count += 1;
      }
      const result = await put;
      const part: MessagePart = {
        type: "file",
        modality: candidate.modality,
        mime_type: candidate.mimeType,
        file_id: result.id,
        size: result.size,
      };
      if (candidate.name !== undefined) part.name = candidate.name;
      job.parts[job.index] = part;
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, jobs.length) }, worker);
  await Promise.all(workers);
  return count;
}
