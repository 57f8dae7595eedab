import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { hasBinary, type RedisServer, startRedis } from "../../../test/support/services.ts";
import { describeKvStore } from "./contract.ts";
import { createKvStore } from "./index.ts";

const available = hasBinary("redis-server");
const TOKEN = "test-token";

interface RawClient {
  sendCommand(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

// Upstash answers strings base64-encoded when asked (the client asks by default), except "OK".
function encode(value: unknown, base64: boolean): unknown {
  if (!base64) return value;
  if (typeof value === "string") return value === "OK" ? value : Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((v) => encode(v, base64));
  return value;
}

async function run(redis: RawClient, command: unknown): Promise<{ result?: unknown; error?: string }> {
  if (!Array.isArray(command) || command.length === 0) return { error: "ERR bad command" };
  try {
    return { result: await redis.sendCommand(command.map(String)) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A small server speaking the Upstash REST protocol (`POST /` with a JSON command array answers
 * `{ result }`; `POST /pipeline` and `/multi-exec` take an array of commands) over a real Redis.
 */
async function startBridge(redisUrl: string): Promise<{ url: string; server: Server; redis: RawClient }> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  const redis: RawClient = client;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST") return send(405, { error: "POST only" });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: "Unauthorized" });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { error: "ERR failed to parse command" });
    }
    const path = (req.url ?? "/").replace(/\/+$/, "") || "/";
    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body)) return send(400, { error: "ERR expected an array of commands" });
      const replies = [];
      for (const command of body) {
        const reply = await run(redis, command);
        replies.push(reply.error ? reply : { result: encode(reply.result, base64) });
      }
      return send(200, replies);
    }
    const reply = await run(redis, body);
    if (reply.error) return send(400, reply);
    return send(200, { result: encode(reply.result, base64) });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, redis };
}

let redisServer: RedisServer | undefined;
let bridge: Awaited<ReturnType<typeof startBridge>> | undefined;

describeKvStore(
  "upstash (REST bridge over redis-server)",
  async () => {
    redisServer = await startRedis();
    bridge = await startBridge(redisServer.url);
    return {
      store: createKvStore("upstash://", {
        UPSTASH_REDIS_REST_URL: bridge.url,
        UPSTASH_REDIS_REST_TOKEN: TOKEN,
      }),
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      cleanup: async () => {
        await new Promise((resolve) => bridge?.server.close(resolve));
        await bridge?.redis.close();
        await redisServer?.stop();
      },
    };
  },
  !available,
);
