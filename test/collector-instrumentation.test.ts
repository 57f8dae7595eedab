import type { Generation } from "@genledger/core";
import {
  flush,
  init,
  newGeneration,
  shutdown,
  withGeneration,
  withGenerationContext,
} from "@genledger/instrumentation";
import { generateText, streamText } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CollectorHarness,
  HARNESS_KEY,
  HARNESS_PROJECT,
  startCollectorHarness,
} from "./support/collector-harness.ts";

/**
 * The two ends of the contract together: the real instrumentation (its own OTLP exporter, pending
 * markers, genledger attributes, call-time cost) sending to the real collector.
 */

const usage = {
  inputTokens: { total: 1200, noCache: 1200, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 300, text: 300, reasoning: 0 },
};

let harness: CollectorHarness;

beforeAll(async () => {
  harness = await startCollectorHarness();
  init({
    endpoint: harness.url,
    apiKey: HARNESS_KEY,
    logLevel: "silent",
    scheduledDelayMs: 50,
    flushOnExit: false,
  });
});
afterAll(async () => {
  await shutdown();
  await harness.stop();
});

/**
 * The records of generation `id` once its final record arrived. The AI SDK ends a stream's spans
 * in its own `onEnd`, which can run after the caller's await resolved: poll a little.
 */
async function records(id: string): Promise<Generation[]> {
  const found: Generation[] = [];
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await flush();
    for (const batch of await harness.drain()) {
      expect(batch.projectId).toBe(HARNESS_PROJECT);
      found.push(...batch.generations.filter((generation) => generation.id === id));
    }
    if (found.some((generation) => generation.status !== "pending")) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return found;
}

describe("instrumentation -> collector", () => {
  it("files a planned generation under its ID: a pending record first, then the final one with the call-time cost", async () => {
    const planned = newGeneration({ userId: "user-1", functionId: "support-reply", tags: ["beta"] });
    const model = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o",
      doGenerate: {
        content: [{ type: "text", text: "Your order ships today." }],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
        response: { id: "r1", modelId: "gpt-4o-2024-08-06", timestamp: new Date() },
      },
    });
    await withGeneration(planned, () =>
      withGenerationContext({ sessionId: "chat-9", metadata: { plan: "pro" } }, () =>
        generateText({ model, prompt: "Where is my order?" }),
      ),
    );
    const mine = await records(planned.id);
    // The marker may travel with the final span (one request: the final wins) or before it.
    expect(mine.map((generation) => generation.status)).toContain("complete");
    expect(mine.filter((generation) => generation.status === "complete")).toHaveLength(1);
    const final = mine.find((generation) => generation.status === "complete");
    expect(final).toMatchObject({
      operation: "generateText",
      userId: "user-1",
      sessionId: "chat-9",
      functionId: "support-reply",
      tags: ["beta"],
      metadata: { plan: "pro" },
      model: "gpt-4o",
      usage: { inputTokens: 1200, outputTokens: 300 },
      output: {
        messages: [{ role: "assistant", parts: [{ type: "text", content: "Your order ships today." }] }],
      },
      unpriced: false,
    });
    expect(final?.cost?.total).toBeGreaterThan(0);
    expect(final?.priceEntry).toMatch(/^openai\/gpt-4o/);
    const pending = mine.find((generation) => generation.status === "pending");
    if (pending !== undefined) {
      expect(pending).toMatchObject({ userId: "user-1", cost: null, finishedAt: null });
      expect(pending.prompt.messages[0]?.parts[0]).toEqual({ type: "text", content: "Where is my order?" });
    }
  });

  it("records a stream with its time to first token", async () => {
    const planned = newGeneration({ userId: "user-2" });
    const model = new MockLanguageModelV4({
      provider: "anthropic.messages",
      modelId: "claude-sonnet-4-5",
      doStream: {
        stream: convertArrayToReadableStream([
          { type: "stream-start", warnings: [] },
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: "Hi " },
          { type: "text-delta", id: "t", delta: "there" },
          { type: "text-end", id: "t" },
          { type: "finish", finishReason: { unified: "stop", raw: "end_turn" }, usage },
        ]),
      },
    });
    await withGeneration(planned, () => streamText({ model, prompt: "Greet me" }).consumeStream());
    const final = (await records(planned.id)).find((generation) => generation.status !== "pending");
    expect(final).toMatchObject({
      status: "complete",
      operation: "streamText",
      provider: "anthropic",
      output: { messages: [{ parts: [{ type: "text", content: "Hi there" }] }] },
    });
    expect(final?.ttftMs).toBeGreaterThanOrEqual(0);
  });
});
