import { afterEach, describe, expect, it } from "vitest";
import { resolveCollectorConfig } from "./config.ts";
import type { IngestSink } from "./ingest.ts";
import type { ReadinessCheck } from "./readiness.ts";
import { type Collector, createCollector, encodingOf } from "./server.ts";
import { unspoolBatch } from "./spool/batch.ts";
import { SpoolFullError, SpoolRecordTooLargeError } from "./spool/errors.ts";

const KEY = "server-test-key-1";
const span = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  name: "chat",
  startTimeUnixNano: "1760000000000000000",
  endTimeUnixNano: "1760000000100000000",
  attributes: [
    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
    { key: "gen_ai.request.model", value: { stringValue: "gpt-4o-mini" } },
    {
      key: "gen_ai.input.messages",
      value: {
        stringValue: JSON.stringify([
          {
            role: "user",
            parts: [{ type: "blob", modality: "image", mime_type: "image/png", content: "AAAA" }],
          },
        ]),
      },
    },
  ],
};
const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });

let collector: Collector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

async function start(options: { spool?: IngestSink; failBlobs?: boolean; readiness?: ReadinessCheck[] }) {
  collector = createCollector({
    config: resolveCollectorConfig({
      port: 0,
      logLevel: "silent",
      auth: { staticKeys: [{ secret: KEY, projectId: "p" }] },
    }),
    spool: options.spool ?? { append: async () => {} },
    blobs: {
      put: async (bytes) => {
        if (options.failBlobs) throw new Error("bucket unreachable");
        return { id: `sha256:${"0".repeat(64)}`, size: bytes.length };
      },
    },
    readiness: options.readiness,
  });
  return (await collector.listen()).url;
}

function send(url: string) {
  return fetch(`${url}/v1/traces`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
    body,
  });
}

describe("collector HTTP app", () => {
  it("matches content types by inclusion", () => {
    expect(encodingOf("application/x-protobuf")).toBe("protobuf");
    expect(encodingOf("Application/JSON; charset=utf-8")).toBe("json");
    expect(encodingOf("text/plain")).toBeUndefined();
  });

  it("answers 503 with Retry-After when the spool is full or the blob store fails, 413 for a batch the spool refuses", async () => {
    let url = await start({
      spool: {
        append: async () => {
          throw new SpoolFullError(10, 5, 7);
        },
      },
    });
    let response = await send(url);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
    await collector?.close();

    url = await start({ failBlobs: true });
    response = await send(url);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toMatchObject({ code: 14, message: expect.stringMatching(/retry later/) });
    await collector?.close();

    url = await start({
      spool: {
        append: async () => {
          throw new SpoolRecordTooLargeError(100, 10);
        },
      },
    });
    response = await send(url);
    expect(response.status).toBe(413);
  });

  it("hands the batch to the spool before answering 200", async () => {
    let appended = false;
    const url = await start({
      spool: {
        append: async (batch) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const { generations } = unspoolBatch(batch);
          expect(generations).toHaveLength(1);
          expect(generations[0]?.prompt.messages[0]?.parts[0]).toMatchObject({ type: "file", size: 3 });
          appended = true;
        },
      },
    });
    const response = await send(url);
    expect(response.status).toBe(200);
    expect(appended).toBe(true);
  });

  it("serves /healthz, /readyz from its checks, and /metrics", async () => {
    const url = await start({
      readiness: [
        { name: "store", check: async () => ({ ok: true }) },
        { name: "spool", check: () => ({ ok: false, detail: "spool at 95% of GENLEDGER_SPOOL_MAX_BYTES" }) },
        {
          name: "broken",
          check: async () => {
            throw new Error("boom");
          },
        },
      ],
    });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: "not ready",
      checks: [
        { name: "store", ok: true, detail: "" },
        { name: "spool", ok: false, detail: "spool at 95% of GENLEDGER_SPOOL_MAX_BYTES" },
        { name: "broken", ok: false, detail: "boom" },
      ],
    });
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain('genledger_collector_requests_total{code="503",route="readyz"} 1');
  });
});
