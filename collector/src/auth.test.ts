import { describe, expect, it } from "vitest";
import { createKeyResolver, keyFromHeaders } from "./auth.ts";
import { HttpError } from "./http/errors.ts";

const base = { mode: "required" as const, staticKeys: [], defaultProjectId: "default", cacheTtlMs: 60_000 };

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}

describe("ingest keys", () => {
  it("reads Bearer and x-genledger-key headers", () => {
    expect(keyFromHeaders({ authorization: "Bearer abc.def" })).toBe("abc.def");
    expect(keyFromHeaders({ authorization: "bearer   xyz  " })).toBe("xyz");
    expect(keyFromHeaders({ authorization: "Basic Zm9v" })).toBeUndefined();
    expect(keyFromHeaders({ "x-genledger-key": " k1 ", authorization: "Bearer k2" })).toBe("k1");
    expect(keyFromHeaders({})).toBeUndefined();
  });

  it("binds static keys to their project and refuses others with 401", async () => {
    const resolver = createKeyResolver({
      ...base,
      staticKeys: [{ secret: "static-secret-1", projectId: "acme" }],
    });
    expect(await resolver.projectFor({ authorization: "Bearer static-secret-1" })).toBe("acme");
    expect(await status(resolver.projectFor({ authorization: "Bearer static-secret-2" }))).toBe(401);
    expect(await status(resolver.projectFor({}))).toBe(401);
  });

  it("caches store lookups, hits and misses, and only accepts ingest-scope keys", async () => {
    const calls: string[] = [];
    const resolver = createKeyResolver(base, async (secret) => {
      calls.push(secret);
      if (secret === "ingest-key") return { projectId: "p1", scope: "ingest" };
      if (secret === "read-key") return { projectId: "p1", scope: "read" };
      return null;
    });
    expect(await resolver.projectFor({ authorization: "Bearer ingest-key" })).toBe("p1");
    expect(await resolver.projectFor({ authorization: "Bearer ingest-key" })).toBe("p1");
    expect(await status(resolver.projectFor({ authorization: "Bearer read-key" }))).toBe(401);
    expect(await status(resolver.projectFor({ authorization: "Bearer nope" }))).toBe(401);
    expect(await status(resolver.projectFor({ authorization: "Bearer nope" }))).toBe(401);
    expect(calls).toEqual(["ingest-key", "read-key", "nope"]);
  });

  it("answers 503 (retryable) when the key store cannot be asked, and needs no key with auth off", async () => {
    const failing = createKeyResolver(base, async () => {
      throw new Error("connection refused");
    });
    expect(await status(failing.projectFor({ authorization: "Bearer any" }))).toBe(503);
    const open = createKeyResolver({ ...base, mode: "none", defaultProjectId: "local" });
    expect(await open.projectFor({})).toBe("local");
  });
});
