import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import type { Route } from "./+types/blob";

// Types a browser may show inline; everything else downloads. SVG and HTML never render here.
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "audio/mpeg",
  "audio/wav",
  "audio/ogg",
  "video/mp4",
  "video/webm",
]);

/**
 * `GET /blobs/:id`: a file a generation referenced (`sha256:<hex>`), for members who may read text.
 * Served with a safe Content-Type, `nosniff` and a sandboxing CSP, so stored bytes can never run as a page.
 */
export async function loader({ params, context }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  if (!accessOf({ kind: "member", member, csrf: "" }, services.projectId).text) {
    return new Response("Your role cannot open files from prompts and outputs.", { status: 403 });
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(params.id))
    return new Response("Not a file ID (expected sha256:<64 hex>).", { status: 400 });
  const blob = await services.blobStore.get(params.id);
  if (!blob) return new Response("No file has this ID.", { status: 404 });
  const mime = blob.mimeType.split(";")[0]?.trim().toLowerCase() ?? "";
  const inline = INLINE_TYPES.has(mime);
  const extension = mime.split("/")[1]?.replace(/[^a-z0-9]/g, "") || "bin";
  return new Response(new Uint8Array(blob.bytes), {
    headers: {
      "Content-Type": inline ? mime : "application/octet-stream",
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename="${params.id.slice(7, 23)}.${extension}"`,
      "Content-Length": String(blob.bytes.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, max-age=86400, immutable",
    },
  });
}
