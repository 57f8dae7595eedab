import { instrumentImageModel, withGenerationContext } from "@genledger/instrumentation";
import { embed, embedMany, generateImage, generateText, Output, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { isSimulated } from "./clock.ts";
import * as text from "./content.ts";
import { budgeted, cached } from "./guards.ts";
import { chatModel, embeddingModel, imageModel, type ModelSpec, type Script } from "./mock-models.ts";
import type { Random } from "./random.ts";
import type { Feature, User } from "./world.ts";
import { MODELS } from "./world.ts";

/** How one simulated generation ended, for the demo's own tally. */
export type Outcome = "complete" | "error" | "aborted";

/** One generation to simulate. */
export interface Call {
  user: User;
  feature: Feature;
  /** Force a model (cost spikes, the abusive user); otherwise the feature's mix decides. */
  model?: ModelSpec;
  /** The abusive user's traffic. */
  abusive?: boolean;
  /** A cost spike: a very large document attached to each call. */
  spike?: boolean;
}

/** Every record the demo makes carries `demo=simulated`: it must never pass for real traffic. */
export const SIMULATED = { demo: "simulated" } as const;

const lookupOrder = tool({
  description: "Look up an order by number",
  inputSchema: z.object({ orderNumber: z.string() }),
  execute: async ({ orderNumber }) => ({
    orderNumber,
    status: "shipped",
    carrier: "Northwind Post",
    eta: "Thursday",
  }),
});
const searchTickets = tool({
  description: "Full-text search over support tickets",
  inputSchema: z.object({ query: z.string(), limit: z.number().optional() }),
  execute: async ({ query }) => ({ query, hits: 37, top: ["#48121", "#48177", "#48302"] }),
});

const Invoice = z.object({
  invoiceNumber: z.string(),
  seller: z.string(),
  currency: z.string(),
  lines: z.number(),
  total: z.number(),
});

function script(random: Random, answer: string, call: Call, streaming: boolean): Script {
  const failure = call.abusive
    ? random.chance(0.3)
      ? { statusCode: 400, message: "Request blocked by the provider's content policy (simulated)" }
      : undefined
    : random.chance(0.015)
      ? random.pick([
          { statusCode: 429, message: "Rate limit reached for requests (simulated)" },
          { statusCode: 529, message: "Overloaded (simulated)" },
          { statusCode: 500, message: "Internal server error (simulated)" },
        ])
      : undefined;
  return {
    text: answer,
    failure,
    failMidStream: streaming && !failure && random.chance(0.01),
    cacheReadShare: random.chance(0.6) ? random.next() * 0.8 : 0,
  };
}

async function supportChat(call: Call, model: ModelSpec, random: Random): Promise<Outcome> {
  const s = script(random, text.supportAnswer(random), call, true);
  if (random.chance(0.25))
    s.toolCalls = [{ toolName: "lookupOrder", input: { orderNumber: String(random.int(10000, 99999)) } }];
  const abort = new AbortController();
  const abortAfter = random.chance(0.04) ? random.int(2, 6) : Number.POSITIVE_INFINITY;
  const history = random.chance(0.5)
    ? [
        { role: "user" as const, content: text.supportQuestion(random) },
        { role: "assistant" as const, content: text.supportAnswer(random) },
      ]
    : [];
  const result = streamText({
    model: budgeted(chatModel(model, s, random), !isSimulated()),
    system: text.SUPPORT_SYSTEM,
    messages: [
      ...history,
      { role: "user", content: call.abusive ? text.abusivePrompt(random) : text.supportQuestion(random) },
    ],
    tools: { lookupOrder },
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    abortSignal: abort.signal,
    // Failures are counted from the stream below; the default handler would print each one.
    onError: () => {},
  });
  let chunks = 0;
  let failed = false;
  try {
    for await (const part of result.fullStream) {
      if (part.type === "error") failed = true;
      if (part.type === "text-delta" && ++chunks >= abortAfter) abort.abort(new Error("user pressed stop"));
    }
  } catch {
    failed = true;
  }
  if (abort.signal.aborted) return "aborted";
  return failed ? "error" : "complete";
}

/** Runs `call` through the real AI SDK (mock provider), as `call.user`, and reports its outcome. */
export async function simulate(call: Call, random: Random): Promise<Outcome> {
  const model = call.model ?? random.weighted(call.feature.models);
  return withGenerationContext(
    {
      userId: call.user.id,
      functionId: call.feature.name,
      sessionId:
        call.feature.name === "support-chat" ? `chat_${call.user.id}_${random.int(1, 4)}` : undefined,
      tags: [call.user.plan, ...(call.spike ? ["batch-import"] : [])],
      metadata: { ...SIMULATED, org: call.user.org, plan: call.user.plan },
    },
    () => run(call, model, random),
  );
}

async function run(call: Call, model: ModelSpec, random: Random): Promise<Outcome> {
  const common = { maxRetries: 0 } as const;
  try {
    switch (call.feature.name) {
      case "support-chat":
        return await supportChat(call, model, random);
      case "ticket-summary": {
        // A small pool of tickets: the same ticket summarised again is served from the prompt cache.
        const ticket = random.int(48000, 48000 + 400);
        await generateText({
          ...common,
          model: cached(chatModel(model, script(random, text.ticketSummary(random), call, false), random)),
          prompt: `Summarise for the next agent in one line:\n${text.ticketText(ticket)}`,
        });
        return "complete";
      }
      case "invoice-extraction":
        await generateText({
          ...common,
          model: chatModel(
            model,
            script(random, JSON.stringify(text.invoiceObject(random)), call, false),
            random,
          ),
          output: Output.object({ schema: Invoice }),
          prompt: `Extract the invoice fields:\n${text.invoiceText(random)}`,
        });
        return "complete";
      case "code-review":
        await generateText({
          ...common,
          model: chatModel(model, script(random, text.codeReview(random), call, false), random),
          system: "You review pull requests for correctness first, style last.",
          prompt: text.codeDiff(random),
        });
        return "complete";
      case "research-agent": {
        const s = script(random, text.researchAnswer(random), call, false);
        s.toolCalls = [
          { toolName: "searchTickets", input: { query: "damaged in transit", limit: 50 } },
          { toolName: "lookupOrder", input: { orderNumber: String(random.int(10000, 99999)) } },
        ];
        await generateText({
          ...common,
          model: budgeted(chatModel(model, s, random), !isSimulated()),
          tools: { searchTickets, lookupOrder },
          stopWhen: stepCountIs(4),
          prompt: call.spike
            ? `${text.researchQuestion(random)}\n\nAttached export:\n${text.attachedExport(random.int(15_000, 40_000))}`
            : text.researchQuestion(random),
        });
        return "complete";
      }
      case "semantic-search": {
        const values = text.searchQueries(random);
        const embedding = embeddingModel(MODELS.embedding, random);
        if (values.length === 1) await embed({ ...common, model: embedding, value: values[0]! });
        else await embedMany({ ...common, model: embedding, values });
        return "complete";
      }
      case "product-images": {
        const failure = random.chance(0.03)
          ? { statusCode: 400, message: "Image rejected by safety system (simulated)" }
          : undefined;
        await generateImage({
          ...common,
          model: instrumentImageModel(imageModel(MODELS.image, random, failure)),
          prompt: text.imagePrompt(random),
          n: random.int(1, 2),
          // gpt-image-1 is priced per image by size and quality: a call that names neither is unpriced.
          size: random.pick(["1024x1024", "1024x1536", "1536x1024"] as const),
          providerOptions: { openai: { quality: random.pick(["low", "medium", "high"]) } },
        });
        return "complete";
      }
    }
  } catch {
    return "error";
  }
}
