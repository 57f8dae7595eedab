import { ATTR, createKvStore, createMemoryKvStore, type KvStore } from "@genledger/core";
import { generateObject, generateText, jsonSchema, streamText, wrapLanguageModel } from "ai";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { hasBinary, type RedisServer, startRedis } from "../../test/support/services.ts";
import { newGeneration, withGeneration } from "./context.ts";
import { dedupe, dedupeKey } from "./dedupe.ts";
import {
  chatModel,
  generationSpans,
  partStream,
  startCapture,
  textParts,
  textResult,
  usage,
} from "./test-helpers.ts";

const capture = startCapture();
afterAll(() => capture.stop());
beforeEach(() => capture.reset());

// The cache write is fire-and-forget; give it a turn of the event loop.
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("dedupe", () => {
  let store: KvStore;
  beforeEach(() => {
    store = createMemoryKvStore();
  });

  it("serves a repeated generate call from the store: provider called once, the hit records the saved cost", async () => {
    const base = chatModel({ doGenerate: textResult("cached answer", usage(2000, 100)) });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store, ttlSeconds: 60 }) });
    const first = newGeneration();
    const a = await withGeneration(first, () =>
      generateText({ model, prompt: "same question", temperature: 0 }),
    );
    await settle();
    const b = await generateText({ model, prompt: "same question", temperature: 0 });
    expect(base.doGenerateCalls).toHaveLength(1);
    expect(b.text).toBe(a.text);
    expect(b.providerMetadata?.genledger).toEqual({ cacheHit: true, cacheSourceId: first.id });

    const [miss, hit] = generationSpans(await capture.spans());
    const cost = 2000 * 150 + 100 * 600;
    expect(miss!.attributes[ATTR.generationId]).toBe(first.id);
    expect(miss!.attributes[ATTR.cacheHit]).toBeUndefined();
    expect(miss!.attributes[ATTR.costTotal]).toBe(cost);
    expect(hit!.attributes[ATTR.cacheHit]).toBe(true);
    expect(hit!.attributes[ATTR.cacheSourceId]).toBe(first.id);
    expect(hit!.attributes[ATTR.cacheSavedNanos]).toBe(cost);
    expect(hit!.attributes[ATTR.costTotal]).toBe(0);
    expect(hit!.attributes[ATTR.generationId]).not.toBe(first.id);
    // The hit still carries the full prompt and output.
    expect(String(hit!.attributes["gen_ai.output.messages"])).toContain("cached answer");
  });

  it("marks hits of generateObject too (no provider-call hook there: found through the call scope)", async () => {
    const base = chatModel({ doGenerate: textResult('{"ok":true}', usage(100, 10)) });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store }) });
    const schema = jsonSchema<{ ok: boolean }>({ type: "object", properties: { ok: { type: "boolean" } } });
    const first = newGeneration();
    await withGeneration(first, () => generateObject({ model, prompt: "ok?", schema }));
    await settle();
    const again = await generateObject({ model, prompt: "ok?", schema });
    expect(again.object).toEqual({ ok: true });
    expect(base.doGenerateCalls).toHaveLength(1);
    const [, hit] = generationSpans(await capture.spans());
    expect(hit!.attributes[ATTR.cacheHit]).toBe(true);
    expect(hit!.attributes[ATTR.cacheSourceId]).toBe(first.id);
    expect(hit!.attributes[ATTR.cacheSavedNanos]).toBe(100 * 150 + 10 * 600);
  });

  it("misses when anything in the call differs", async () => {
    const base = chatModel({ doGenerate: textResult("x") });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store }) });
    await generateText({ model, prompt: "q", temperature: 0 });
    await settle();
    await generateText({ model, prompt: "q", temperature: 0.5 });
    await settle();
    await generateText({ model, prompt: "q2", temperature: 0 });
    expect(base.doGenerateCalls).toHaveLength(3);
  });

  it("replays a stream's parts on a hit", async () => {
    const base = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["stre", "amed"], usage(300, 20))) }),
    });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store }) });
    const first = await streamText({ model, prompt: "tell me" }).text;
    await settle();
    const again = streamText({ model, prompt: "tell me" });
    const chunks: string[] = [];
    for await (const text of again.textStream) chunks.push(text);
    expect(base.doStreamCalls).toHaveLength(1);
    expect(first).toBe("streamed");
    expect(chunks).toEqual(["stre", "amed"]);
    const [, hit] = generationSpans(await capture.spans());
    expect(hit!.attributes[ATTR.cacheHit]).toBe(true);
    expect(hit!.attributes[ATTR.cacheSavedNanos]).toBe(300 * 150 + 20 * 600);
    expect(hit!.attributes[ATTR.costTotal]).toBe(0);
  });

  it("does not keep a stream that failed", async () => {
    const base = chatModel({
      doStream: async () => ({
        stream: partStream([
          { type: "stream-start", warnings: [] },
          { type: "text-delta", id: "t", delta: "half" },
          { type: "error", error: new Error("reset") },
        ]),
      }),
    });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store }) });
    await streamText({ model, prompt: "p", onError: () => {} }).consumeStream();
    await settle();
    await streamText({ model, prompt: "p", onError: () => {} }).consumeStream();
    expect(base.doStreamCalls).toHaveLength(2);
  });

  it("calls the provider when the store fails", async () => {
    const broken: KvStore = {
      get: () => Promise.reject(new Error("store down")),
      set: () => Promise.reject(new Error("store down")),
      incrBy: () => Promise.reject(new Error("store down")),
      del: () => Promise.reject(new Error("store down")),
      close: async () => {},
    };
    const base = chatModel({ doGenerate: textResult("fine") });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store: broken }) });
    expect((await generateText({ model, prompt: "p" })).text).toBe("fine");
    expect((await generateText({ model, prompt: "p" })).text).toBe("fine");
    expect(base.doGenerateCalls).toHaveLength(2);
  });

  it("keys on canonical JSON: key order does not matter, the abort signal does not count", () => {
    const model = { provider: "openai.chat", modelId: "gpt-4o" };
    const a = dedupeKey("generate", model, {
      prompt: [{ role: "user", content: "x" }],
      temperature: 0,
      topP: 1,
    });
    const b = dedupeKey("generate", model, {
      topP: 1,
      abortSignal: new AbortController().signal,
      temperature: 0,
      prompt: [{ content: "x", role: "user" }],
      headers: { "user-agent": "ai/7" },
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(dedupeKey("stream", model, { temperature: 0 })).not.toBe(
      dedupeKey("generate", model, { temperature: 0 }),
    );
    expect(dedupeKey("generate", { ...model, modelId: "gpt-4o-mini" }, { temperature: 0 })).not.toBe(
      dedupeKey("generate", model, { temperature: 0 }),
    );
  });
});

describe("dedupe on a real Redis", () => {
  const available = hasBinary("redis-server");
  let redis: RedisServer | undefined;
  afterAll(async () => redis?.stop());

  it.skipIf(!available)("shares results through redis-server", async () => {
    redis = await startRedis();
    const store = createKvStore(redis.url);
    const base = chatModel({ doGenerate: textResult("from redis", usage(10, 10)) });
    const model = wrapLanguageModel({ model: base, middleware: dedupe({ store, ttlSeconds: 30 }) });
    await generateText({ model, prompt: "q" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await generateText({ model, prompt: "q" });
    expect(again.text).toBe("from redis");
    expect(base.doGenerateCalls).toHaveLength(1);
    const [, hit] = generationSpans(await capture.spans());
    expect(hit!.attributes[ATTR.cacheHit]).toBe(true);
    await store.close();
  });
});
