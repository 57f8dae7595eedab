// Fixtures of the analytics tests: an embedded store in a temp dir, generated traffic, and a real
// HTTP webhook receiver.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createClickHouse, type Store } from "@genledger/clickhouse";
import { Generation, type GenerationInput } from "@genledger/core";
import { tempDir } from "./support/services.ts";

/** A migrated embedded store in a fresh temp dir. */
export async function openStore(): Promise<{ store: Store; cleanup(): Promise<void> }> {
  const dir = tempDir("genledger-analytics-");
  const store = await createClickHouse({ url: "", dataDir: dir.path });
  return {
    store,
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
}

/** A small deterministic PRNG (mulberry32), so generated traffic is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let counter = 0;

/** A complete, priced generation; `overrides` win. */
export function gen(overrides: Partial<GenerationInput> & { startedAt: Date }): Generation {
  counter++;
  return Generation.parse({
    id: `gen-${counter.toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`,
    projectId: "p1",
    status: "complete",
    operation: "generateText",
    userId: `user-${counter % 20}`,
    provider: "openai",
    model: "gpt-4o",
    finishReason: "stop",
    usage: { inputTokens: 500, outputTokens: 100 },
    cost: { total: 10_000_000, input: 6_000_000, output: 4_000_000 },
    priceEntry: "openai/gpt-4o",
    prompt: {
      system: "",
      messages: [{ role: "user", parts: [{ type: "text", content: `question ${counter}` }] }],
      tools: [],
    },
    ...overrides,
  });
}

/**
 * Traffic with a daily rhythm: for every hour of `days` days before `end`, `perHour(hourOfDay)`
 * generations (with +-10% noise), spread over the hour, from 20 users.
 */
export function seasonalTraffic(options: {
  end: Date;
  days: number;
  perHour: (hourOfDay: number) => number;
  seed?: number;
  overrides?: Partial<Omit<GenerationInput, "startedAt">>;
}): Generation[] {
  const random = seededRandom(options.seed ?? 42);
  const out: Generation[] = [];
  const endHour = Math.floor(options.end.getTime() / 3_600_000) * 3_600_000;
  for (let h = endHour - options.days * 24 * 3_600_000; h < endHour; h += 3_600_000) {
    const hourOfDay = new Date(h).getUTCHours();
    const n = Math.round(options.perHour(hourOfDay) * (0.9 + 0.2 * random()));
    for (let i = 0; i < n; i++) {
      out.push(
        gen({
          startedAt: new Date(h + Math.floor(random() * 3_600_000)),
          userId: `user-${Math.floor(random() * 20)}`,
          ...options.overrides,
        }),
      );
    }
  }
  return out;
}

/** Daily rhythm: quiet nights, a peak at 14:00 UTC. */
export function dailyRhythm(hourOfDay: number): number {
  return 10 + 50 * Math.exp(-((hourOfDay - 14) ** 2) / 18);
}

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/** A real HTTP receiver answering with `statuses` in turn (the last one repeats). */
export async function webhookReceiver(statuses: number[] = [200]): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body);
      } catch {
        // kept as text
      }
      received.push({ headers: req.headers, body, json });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
