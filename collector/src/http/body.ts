import type { IncomingMessage } from "node:http";
import { createGunzip, type Gunzip } from "node:zlib";
import { HttpError } from "./errors.ts";

/** Limits for {@link readBody}. */
export interface BodyLimits {
  /** Bytes as sent on the wire. */
  maxBodyBytes: number;
  /** Bytes after gunzip. */
  maxDecompressedBytes: number;
}

/** A body and its size on the wire. */
export interface Body {
  bytes: Uint8Array;
  wireBytes: number;
}

function tooLarge(message: string): HttpError {
  return new HttpError(413, "body_too_large", message, { close: true });
}

/**
 * Reads the request body, gunzipping it as it streams when `Content-Encoding: gzip`. Both limits
 * are enforced while reading: the declared `Content-Length` is checked first, the wire bytes are
 * counted, and inflating stops as soon as the output passes `maxDecompressedBytes`, so a gzip bomb
 * costs at most that much memory. Throws {@link HttpError} 413 for either limit and 400 for a body
 * that is not valid gzip or that ends early.
 */
export async function readBody(request: IncomingMessage, gzip: boolean, limits: BodyLimits): Promise<Body> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
    throw tooLarge(
      `body of ${declared} bytes is over the ${limits.maxBodyBytes}-byte limit (GENLEDGER_INGEST_MAX_BODY_BYTES)`,
    );
  }
  return await new Promise<Body>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let outBytes = 0;
    let settled = false;
    let gunzip: Gunzip | undefined;

    const fail = (error: HttpError) => {
      if (settled) return;
      settled = true;
      request.unpipe();
      gunzip?.destroy();
      // Stop reading: the socket will be closed after the error response.
      request.pause();
      reject(error);
    };
    const done = () => {
      if (settled) return;
      settled = true;
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, outBytes);
      resolve({ bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), wireBytes });
    };
    const collect = (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limits.maxDecompressedBytes) {
        fail(
          tooLarge(
            gzip
              ? `body inflates to more than ${limits.maxDecompressedBytes} bytes (GENLEDGER_INGEST_MAX_DECOMPRESSED_BYTES); stopped inflating`
              : `body is over the ${limits.maxDecompressedBytes}-byte limit (GENLEDGER_INGEST_MAX_DECOMPRESSED_BYTES)`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    };

    request.on("data", (chunk: Buffer) => {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > limits.maxBodyBytes) {
        fail(
          tooLarge(`body is over the ${limits.maxBodyBytes}-byte limit (GENLEDGER_INGEST_MAX_BODY_BYTES)`),
        );
        return;
      }
      if (gunzip !== undefined) gunzip.write(chunk);
      else collect(chunk);
    });
    request.on("error", () =>
      fail(new HttpError(400, "body_read_failed", "request body could not be read", { close: true })),
    );
    request.on("aborted", () =>
      fail(new HttpError(400, "body_read_failed", "request was aborted by the client", { close: true })),
    );

    if (gzip) {
      gunzip = createGunzip({ chunkSize: 64 * 1024 });
      gunzip.on("data", (chunk: Buffer) => {
        if (!settled) collect(chunk);
      });
      gunzip.on("error", (error) =>
        fail(
          new HttpError(400, "bad_gzip", `body is not valid gzip: ${error.message}`, {
            cause: error,
            close: true,
          }),
        ),
      );
      gunzip.on("end", done);
      request.on("end", () => {
        if (!settled) gunzip?.end();
      });
    } else {
      request.on("end", done);
    }
  });
}
