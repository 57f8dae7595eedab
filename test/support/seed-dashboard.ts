// Fixtures and an in-process dashboard for the dashboard tests: a temp embedded store seeded through
// the clickhouse package, a file blob store, and the built app served by createDashboardServer.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import {
  createClickHouse,
  insertGenerations,
  insertSpans,
  type Store,
  type StoredSpan,
} from "@genledger/clickhouse";
import {
  type BlobStore,
  createBlobStore,
  Generation,
  type GenerationInput,
  newGenerationId,
} from "@genledger/core";
import { createDashboardServer, type DashboardConfig } from "../../dashboard/server/handler.ts";
import { ensureDashboardBuild } from "./dashboard-build.ts";
import { freePort, tempDir } from "./services.ts";

/** The first admin every dashboard test signs in as. */
export const ADMIN = { email: "admin@example.com", password: "correct horse battery staple" };

/** A real PNG: `width` x `height` pixels of one colour, so the image path is exercised with valid bytes. */
export function makePng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB triples
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The image the showcase generation "generated". */
export const PNG_BYTES = makePng(96, 64, [47, 91, 211]);

/** The payloads a prompt or output may carry; rendering them must run nothing. */
export const XSS_TEXT = [
  "<script>window.__xss = 'script'</script>",
  '<img src="x" onerror="window.__xss = \'img\'">',
  "[click me](javascript:window.__xss='link')",
  "[x](javascript:alert(1))",
].join("\n\n");

function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** A complete, valid generation with sensible defaults; `overrides` win. */
export function makeGeneration(overrides: Partial<GenerationInput> = {}): Generation {
  const startedAt = overrides.startedAt
    ? new Date(overrides.startedAt as Date | string | number)
    : new Date(Date.now() - 60_000);
  const latencyMs = overrides.latencyMs ?? 1200;
  return Generation.parse({
    id: newGenerationId(),
    projectId: "default",
    status: "complete",
    operation: "generateText",
    userId: "user-1",
    provider: "openai",
    model: "gpt-4o",
    responseModel: "gpt-4o-2024-08-06",
    prompt: {
      system: "",
      messages: [{ role: "user", parts: [{ type: "text", content: "Hello" }] }],
      tools: [],
    },
    output: { messages: [{ role: "assistant", parts: [{ type: "text", content: "Hi there." }] }] },
    finishReason: "stop",
    usage: { inputTokens: 120, outputTokens: 40 },
    cost: { total: 700_000, input: 300_000, output: 400_000 },
    priceEntry: "openai/gpt-4o@2024-08-06",
    startedAt,
    finishedAt: new Date(startedAt.getTime() + latencyMs),
    latencyMs,
    traceId: hex(16),
    spanId: hex(8),
    ...overrides,
  });
}

function span(
  generation: Generation,
  name: string,
  startOffsetMs: number,
  durationMs: number,
  extra: Partial<StoredSpan> = {},
): StoredSpan {
  const start = generation.startedAt.getTime() + startOffsetMs;
  return {
    projectId: generation.projectId,
    traceId: generation.traceId,
    spanId: hex(8),
    parentSpanId: "",
    name,
    kind: "internal",
    startTime: new Date(start),
    endTime: new Date(start + durationMs),
    statusCode: "ok",
    statusMessage: "",
    attributes: {},
    generationId: "",
    ...extra,
  };
}

/** The showcase generation: system prompt, tool use, reasoning, Markdown, an image, cost and a multi-step trace. */
export async function richGeneration(
  blobs: BlobStore,
): Promise<{ generation: Generation; spans: StoredSpan[] }> {
  const image = await blobs.put(PNG_BYTES, "image/png");
  const traceId = hex(16);
  const generation = makeGeneration({
    operation: "streamText",
    userId: "alice@acme.test",
    sessionId: "sess-42",
    functionId: "trip-planner",
    tags: ["beta", "travel"],
    // Twice on purpose: two budgets can warn alike, and the page must still render cleanly.
    warnings: ['budget: "travel daily" over its soft limit', 'budget: "travel daily" over its soft limit'],
    metadata: { plan: "pro", region: "eu-west-1" },
    model: "gpt-4o",
    responseModel: "gpt-4o-2024-08-06",
    prompt: {
      system: "You are a concise travel planner. Use the weather tool before suggesting outdoor plans.",
      messages: [
        { role: "user", parts: [{ type: "text", content: "Plan a sunny weekend in Lisbon for two." }] },
        {
          role: "assistant",
          parts: [
            { type: "tool_call", id: "call_1", name: "getWeather", arguments: { city: "Lisbon", days: 2 } },
          ],
        },
        {
          role: "tool",
          parts: [
            {
              type: "tool_call_response",
              id: "call_1",
              name: "getWeather",
              response: { sat: "sunny 24C", sun: "cloudy 21C" },
            },
          ],
        },
      ],
      tools: [
        {
          type: "function",
          name: "getWeather",
          description: "Forecast for a city",
          parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "number" } } },
        },
      ],
    },
    output: {
      messages: [
        {
          role: "assistant",
          finish_reason: "stop",
          parts: [
            { type: "reasoning", content: "Saturday is sunny, so put the beach day first." },
            {
              type: "text",
              content:
                "## Lisbon weekend\n\n**Saturday** (sunny): Belem in the morning, then the beach at *Cascais*.\n\n" +
                "**Sunday** (cloudy): the Gulbenkian museum.\n\nTickets: [Visit Lisboa](https://www.visitlisboa.com/).",
            },
            { type: "file", modality: "image", mime_type: "image/png", file_id: image.id, size: image.size },
          ],
        },
      ],
    },
    usage: { inputTokens: 1840, outputTokens: 512, cacheReadTokens: 1024, reasoningTokens: 128 },
    cost: {
      total: 9_480_000,
      input: 2_040_000,
      output: 5_120_000,
      cacheRead: 1_280_000,
      reasoning: 1_040_000,
    },
    latencyMs: 3400,
    ttftMs: 420,
    traceId,
  });
  const root = span(generation, "POST /api/trips", -40, 3520, { kind: "server" });
  const call = span(generation, "ai.streamText", 0, 3400, {
    parentSpanId: root.spanId,
    generationId: generation.id,
  });
  const step1 = span(generation, "ai.streamText.doStream", 10, 1300, { parentSpanId: call.spanId });
  const tool = span(generation, "ai.toolCall", 1320, 600, {
    parentSpanId: call.spanId,
    attributes: { "ai.toolCall.name": "getWeather", "ai.toolCall.args": '{"city":"Lisbon"}' },
  });
  const step2 = span(generation, "ai.streamText.doStream", 1930, 1460, { parentSpanId: call.spanId });
  return { generation: { ...generation, spanId: call.spanId }, spans: [root, call, step1, tool, step2] };
}

/** Background traffic for the lists, the overview and the users pages: `count` generations over 30 days. */
export function backgroundGenerations(count: number): Generation[] {
  const models = [
    ["openai", "gpt-4o", 2_500, 10_000],
    ["openai", "gpt-4o-mini", 150, 600],
    ["anthropic", "claude-sonnet-4-5", 3_000, 15_000],
  ] as const;
  const users = ["alice@acme.test", "bob@acme.test", "carol@acme.test", "dave@acme.test"];
  const functions = ["trip-planner", "support-reply", "summarize"];
  const out: Generation[] = [];
  for (let i = 0; i < count; i++) {
    const [provider, model, inPrice, outPrice] = models[i % models.length]!;
    const inputTokens = 200 + ((i * 97) % 1800);
    const outputTokens = 50 + ((i * 31) % 600);
    const input = inputTokens * inPrice;
    const output = outputTokens * outPrice;
    const status = i % 17 === 5 ? "error" : "complete";
    out.push(
      makeGeneration({
        startedAt: new Date(Date.now() - ((i * 31_337) % (29 * 86_400)) * 1000 - 120_000),
        userId: users[i % users.length],
        functionId: functions[i % functions.length],
        provider,
        model,
        responseModel: model,
        status,
        error: status === "error" ? "Rate limit reached for requests (429)" : null,
        finishReason: status === "error" ? "error" : "stop",
        usage: { inputTokens, outputTokens },
        cost: { total: input + output, input, output },
        priceEntry: `${provider}/${model}`,
        latencyMs: 400 + ((i * 53) % 4000),
        prompt: {
          system: "",
          messages: [{ role: "user", parts: [{ type: "text", content: `Request number ${i}` }] }],
          tools: [],
        },
        output: {
          messages: [{ role: "assistant", parts: [{ type: "text", content: `Answer number ${i}` }] }],
        },
      }),
    );
  }
  return out;
}

/** A seeded store, blob store and a running dashboard on a free port. */
export interface DashboardFixture {
  url: string;
  store: Store;
  blobs: BlobStore;
  dataDir: string;
  close(): Promise<void>;
}

/** Builds the dashboard if needed, creates a temp embedded store and serves the app in-process. */
export async function startDashboard(config: Partial<DashboardConfig> = {}): Promise<DashboardFixture> {
  ensureDashboardBuild();
  const dir = tempDir("genledger-dashboard-");
  const store = await createClickHouse({ dataDir: join(dir.path, "data") });
  const blobs = createBlobStore(`file://${join(dir.path, "blobs")}`);
  const dashboard = await createDashboardServer({
    store,
    blobStore: blobs,
    config: { dataDir: dir.path, adminEmail: ADMIN.email, adminPassword: ADMIN.password, ...config },
  });
  const server: Server = createServer(dashboard.listener);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    blobs,
    dataDir: dir.path,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dashboard.close();
      await store.close();
      dir.remove();
    },
  };
}

/** Inserts generations and spans through the clickhouse package, as the collector would. */
export async function seed(store: Store, generations: Generation[], spans: StoredSpan[] = []): Promise<void> {
  if (generations.length > 0) await insertGenerations(store, generations);
  if (spans.length > 0) await insertSpans(store, spans);
}

/** A signed-in HTTP client (cookie jar of one session) for tests that do not need a browser. */
export interface HttpSession {
  cookie: string;
  csrf: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, fields: Record<string, string>, init?: { origin?: string | null }): Promise<Response>;
}

function cookieFrom(response: Response, previous = ""): string {
  const jar = new Map(previous ? previous.split("; ").map((c) => c.split("=", 2) as [string, string]) : []);
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const [name, ...value] = (pair ?? "").split("=");
    if (name) jar.set(name, value.join("="));
  }
  return [...jar.entries()].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** The `_csrf` value in a page's HTML. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no _csrf field on the page");
  return match[1];
}

/** Signs in through the login form, as a browser would (same Origin, CSRF token from the page). */
export async function signIn(url: string, email: string, password: string): Promise<HttpSession> {
  const login = await fetch(`${url}/login`);
  let cookie = cookieFrom(login);
  const body = new URLSearchParams({ _csrf: csrfFrom(await login.text()), email, password, redirectTo: "/" });
  const response = await fetch(`${url}/login`, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { Cookie: cookie, Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (response.status !== 302) throw new Error(`sign-in as ${email} failed with ${response.status}`);
  cookie = cookieFrom(response, cookie);
  const home = await fetch(`${url}/`, { headers: { Cookie: cookie } });
  const html = await home.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const session: HttpSession = {
    cookie,
    csrf,
    get: (path, init = {}) =>
      fetch(`${url}${path}`, {
        redirect: "manual",
        ...init,
        headers: { Cookie: session.cookie, ...init.headers },
      }),
    post: (path, fields, init = {}) => {
      const headers: Record<string, string> = {
        Cookie: session.cookie,
        "Content-Type": "application/x-www-form-urlencoded",
      };
      if (init.origin !== null) headers.Origin = init.origin ?? url;
      return fetch(`${url}${path}`, {
        method: "POST",
        body: new URLSearchParams(fields),
        redirect: "manual",
        headers,
      });
    },
  };
  return session;
}
