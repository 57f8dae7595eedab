import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves the files of `build/client` (hashed assets cached for a year, others for an hour). Returns
 * false when the request is not for an existing file, so the app can answer it.
 */
export function createStaticFiles(
  root: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const base = normalize(root + sep);
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return false;
    }
    if (pathname === "/" || pathname.includes("\0") || pathname.startsWith("/.vite")) return false;
    const file = normalize(join(base, pathname));
    if (!file.startsWith(base)) return false;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    res.statusCode = 200;
    res.setHeader("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
    res.setHeader("Content-Length", info.size);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader(
      "Cache-Control",
      pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
    );
    if (req.method === "HEAD") {
      res.end();
      return true;
    }
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
    });
    return true;
  };
}
