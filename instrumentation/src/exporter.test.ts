import { spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flush, stats } from "./runtime.ts";
import { chatModel, usage } from "./test-helpers.ts";

/** A local OTLP receiver that decodes nothing: it counts requests and keeps their headers. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  at: number;
}

async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, bytes, at: Date.now() });
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => new Promise((resolve) => receiver.server.close(resolve)));

describe("the one-import setup", () => {
  it("exports OTLP/protobuf to GENLEDGER_ENDPOINT with the API key, the marker before the stream ends", async () => {
    process.env.GENLEDGER_ENDPOINT = receiver.url;
    process.env.GENLEDGER_API_KEY = "gl_test_key";
    process.env.GENLEDGER_LOG_LEVEL = "silent";
    await import("./register.ts");

    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const model = chatModel({
      doStream: async () => ({
        stream: new ReadableStream({
          async start(controller) {
            controller.enqueue({ type: "stream-start", warnings: [] });
            controller.enqueue({ type: "text-start", id: "t" });
            controller.enqueue({ type: "text-delta", id: "t", delta: "..." });
            await gate;
            controller.enqueue({ type: "text-end", id: "t" });
            controller.enqueue({
              type: "finish",
              finishReason: { unified: "stop", raw: "stop" },
              usage: usage(),
            });
            controller.close();
          },
        }),
      }),
    });
    const done = streamText({ model, prompt: "hello" }).consumeStream();
    const deadline = Date.now() + 3_000;
    while (receiver.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    // The pending marker arrived while the generation is still streaming.
    expect(receiver.received).toHaveLength(1);
    const first = receiver.received[0]!;
    expect(first.path).toBe("/v1/traces");
    expect(first.headers.authorization).toBe("Bearer gl_test_key");
    expect(first.headers["content-type"]).toContain("application/x-protobuf");
    expect(first.bytes).toBeGreaterThan(0);

    release();
    await done;
    await flush();
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    expect(stats().exported).toBe(4); // marker, invoke_agent, step, chat
    expect(stats().dropped).toBe(0);
  });
});

describe("process exit", () => {
  const app = fileURLToPath(new URL("./fixtures/exit-app.ts", import.meta.url));
  const run = (args: string[], onReady?: (child: ReturnType<typeof spawn>) => void) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const child = spawn(process.execPath, [app, ...args], {
        env: { ...process.env, GENLEDGER_ENDPOINT: receiver.url, GENLEDGER_LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) onReady?.(child);
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => resolve({ code, signal }));
    });

  it("flushes on beforeExit: a script that just ends still delivers its generation", async () => {
    const before = receiver.received.length;
    const { code } = await run([]);
    expect(code).toBe(0);
    // The marker and the batch: the batch timer alone (1 s, unref'd) would never have fired.
    expect(receiver.received.length - before).toBeGreaterThanOrEqual(2);
  });

  it("flushes on SIGTERM and still exits the default way", async () => {
    const before = receiver.received.length;
    const started = Date.now();
    const { signal } = await run(["--wait"], (child) => child.kill("SIGTERM"));
    expect(signal).toBe("SIGTERM");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(receiver.received.length - before).toBeGreaterThanOrEqual(2);
  });
});
