import { data } from "react-router";

/** A JSON error body for the API: `{ error: { status, message } }`. */
export function jsonError(status: number, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { status, message } }, { status, headers });
}

/** Thrown from a page loader or action: renders the route's error boundary with this status. */
export function pageError(status: number, message: string): ReturnType<typeof data<{ message: string }>> {
  return data({ message }, { status });
}

/** True for a same-site relative path (no scheme, no `//host`, no backslash tricks). */
export function isLocalPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.includes("\\") && !/[\r\n]/.test(path);
}
