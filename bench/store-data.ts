// Synthetic generations for the store benchmark: ~2.5 KB each (prompt ~1.6 KB, output ~0.8 KB),
// text drawn from a vocabulary so it compresses like prose, skewed users (a few heavy ones).
import type { Generation } from "@genledger/core";

const MODELS: Array<[provider: string, model: string]> = [
  ["openai", "gpt-4o"],
  ["openai", "gpt-4o-mini"],
  ["openai", "o3"],
  ["anthropic", "claude-sonnet-4"],
  ["anthropic", "claude-haiku-4"],
  ["google", "gemini-2.5-pro"],
  ["google", "gemini-2.5-flash"],
  ["mistral", "mistral-large"],
];
// Each function calls one model (as application code does); 10% of calls go to a fallback model.
const FUNCTIONS: Array<[name: string, model: number]> = [
  ["support-reply", 0],
  ["summarise-ticket", 1],
  ["classify", 1],
  ["draft-email", 3],
  ["search", 6],
  ["chat", 5],
  ["extract", 4],
  ["translate", 7],
];
const SYSTEMS = [
  "You are a support agent for an online shop. Answer politely, cite the order number, never promise refunds.",
  "You summarise customer tickets in three bullet points for the on-call engineer.",
  "You classify messages into billing, shipping, product, account or other. Reply with one word.",
  "You write short, friendly e-mails in the customer's language.",
];

/** Deterministic PRNG (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator of `count` generations spread over `days` days before `end`. */
export function createGenerationSource(options: { count: number; days: number; end: Date; seed?: number }) {
  const random = rng(options.seed ?? 42);
  const syllables = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vo",
    "ber",
    "dul",
    "fin",
    "gor",
    "hal",
    "jun",
    "pes",
    "quo",
    "sil",
    "tur",
  ];
  const vocabulary = Array.from({ length: 4000 }, () => {
    const n = 1 + Math.floor(random() * 3);
    return Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join("");
  });
  const sentence = (words: number) =>
    Array.from({ length: words }, () => vocabulary[Math.floor(random() ** 1.5 * vocabulary.length)]).join(
      " ",
    );
  // A pool of paragraphs; each row combines two and adds its own order number and sentence.
  const paragraphs = Array.from({ length: 20_000 }, () => `${sentence(40)}. ${sentence(30)}.`);
  const pick = () => paragraphs[Math.floor(random() * paragraphs.length)] as string;
  const span = options.days * 86_400_000;
  const start = options.end.getTime() - span;

  return function generation(i: number): Generation {
    const [functionId, modelIndex] = FUNCTIONS[Math.floor(random() ** 1.5 * FUNCTIONS.length)] as [
      string,
      number,
    ];
    const fallback = random() < 0.1 ? 2 : 0;
    const [provider, model] = MODELS[(modelIndex + fallback) % MODELS.length] as [string, string];
    const user = `user_${Math.floor(random() ** 3 * 1000)}`;
    const startedAt = new Date(start + Math.floor((i / options.count) * span) + Math.floor(random() * 1000));
    const latencyMs = 200 + Math.floor(random() * 8000);
    const inputTokens = 200 + Math.floor(random() * 3000);
    const outputTokens = 50 + Math.floor(random() * 900);
    const cacheReadTokens = random() < 0.3 ? Math.floor(inputTokens / 2) : 0;
    const input = inputTokens * 2_500;
    const output = outputTokens * 10_000;
    const roll = random();
    const status = roll < 0.97 ? "complete" : roll < 0.99 ? "error" : "aborted";
    const order = `order #${1_000_000 + i}`;
    return {
      id: `bench_${i.toString(36).padStart(8, "0")}_${Math.floor(random() * 1e9).toString(36)}`,
      projectId: "bench",
      status,
      operation: "streamText",
      userId: user,
      sessionId: `sess_${Math.floor(i / 5)}`,
      functionId,
      tags: i % 10 === 0 ? ["beta", "eu"] : ["eu"],
      metadata: { tenant: `t${i % 50}`, region: "eu-west-1" },
      provider,
      model,
      responseModel: `${model}-2026-01-01`,
      prompt: {
        system: SYSTEMS[i % SYSTEMS.length] as string,
        messages: [
          {
            role: "user",
            parts: [{ type: "text", content: `About ${order}: ${pick()} ${pick()} ${sentence(12)}` }],
          },
        ],
        tools: [],
      },
      output: {
        messages: [
          {
            role: "assistant",
            parts: [{ type: "text", content: `Regarding ${order}: ${pick()} ${sentence(8)}` }],
            finish_reason: "stop",
          },
        ],
      },
      finishReason: status === "complete" ? "stop" : status,
      usage: {
        inputTokens,
        outputTokens,
        cacheReadTokens,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        images: 0,
      },
      cost: { total: input + output, input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0, image: 0 },
      unpriced: false,
      priceEntry: `${provider}/${model}@2026-01-01`,
      cacheHit: false,
      cacheSourceId: "",
      costSavedNanos: 0,
      warnings: [],
      redactions: [],
      startedAt,
      finishedAt: new Date(startedAt.getTime() + latencyMs),
      latencyMs,
      ttftMs: Math.floor(latencyMs / 5),
      traceId: (i * 7919).toString(16).padStart(32, "0"),
      spanId: i.toString(16).padStart(16, "0"),
      error: status === "error" ? "provider returned 529 overloaded" : null,
    };
  };
}
