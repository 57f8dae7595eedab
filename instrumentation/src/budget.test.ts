import { ATTR, createMemoryKvStore, type KvStore } from "@genledger/core";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type Budget, BudgetExceededError, budgetGuard, spendKey } from "./budget.ts";
import { generation, newGeneration, withGenerationContext } from "./context.ts";
import {
  chatModel,
  onlyGeneration,
  partStream,
  startCapture,
  textParts,
  textResult,
  usage,
} from "./test-helpers.ts";

const capture = startCapture();
afterAll(() => capture.stop());
beforeEach(() => capture.reset());

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
// One call: 1,000 input and 500 output tokens of gpt-4o-mini = 150,000 + 300,000 nano-dollars.
const CALL_COST = 450_000;

describe("budgetGuard", () => {
  let store: KvStore;
  beforeEach(() => {
    store = createMemoryKvStore();
  });
  const guarded = (
    budgets: Budget[] | (() => Promise<Budget[]>),
    base = chatModel({ doGenerate: textResult("ok", usage(1000, 500)) }),
  ) => ({
    base,
    model: wrapLanguageModel({ model: base, middleware: budgetGuard({ store, budgets }) }),
  });

  it("counts spend per user, model, function and in total as generations finish", async () => {
    const { model } = guarded([]);
    await withGenerationContext({ userId: "u1", functionId: "chat" }, () =>
      generateText({ model, prompt: "a" }),
    );
    await withGenerationContext({ userId: "u1" }, () => generateText({ model, prompt: "b" }));
    await settle();
    const now = new Date();
    expect(await store.get(spendKey("genledger:", "day", now, "user", "u1"))).toBe(String(2 * CALL_COST));
    expect(await store.get(spendKey("genledger:", "month", now, "user", "u1"))).toBe(String(2 * CALL_COST));
    expect(await store.get(spendKey("genledger:", "day", now, "function", "chat"))).toBe(String(CALL_COST));
    expect(await store.get(spendKey("genledger:", "day", now, "model", "gpt-4o-mini"))).toBe(
      String(2 * CALL_COST),
    );
    expect(await store.get(spendKey("genledger:", "day", now, "all", "*"))).toBe(String(2 * CALL_COST));
  });

  it("refuses a call over a hard budget before the provider is called", async () => {
    const budget: Budget = { scope: { userId: "heavy" }, period: "day", limitNanos: CALL_COST, mode: "hard" };
    const { model, base } = guarded([budget]);
    await withGenerationContext({ userId: "heavy" }, () => generateText({ model, prompt: "first" }));
    await settle();
    const error = await withGenerationContext({ userId: "heavy" }, () =>
      generateText({ model, prompt: "second", maxRetries: 0 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).spendNanos).toBe(CALL_COST);
    expect((error as BudgetExceededError).limitNanos).toBe(CALL_COST);
    expect((error as BudgetExceededError).budget).toBe(budget);
    expect(base.doGenerateCalls).toHaveLength(1);
    // Other users are not affected.
    await withGenerationContext({ userId: "light" }, () => generateText({ model, prompt: "third" }));
    expect(base.doGenerateCalls).toHaveLength(2);
    // The refused call is still recorded, as an error.
    const spans = await capture.spans();
    const refused = spans.find(
      (s) =>
        String(s.attributes["gen_ai.input.messages"]).includes("second") && s.name.startsWith("invoke_agent"),
    );
    expect(refused?.attributes[ATTR.status]).toBe("error");
    expect(String(refused?.attributes[ATTR.error])).toContain("exceeded");
  });

  it("refuses a stream over a hard budget, scoped by the per-call user", async () => {
    const base = chatModel({
      doStream: async () => ({ stream: partStream(textParts(["x"], usage(1000, 500))) }),
    });
    const { model } = guarded(
      [{ scope: { userId: "s-user" }, period: "month", limitNanos: 1, mode: "hard" }],
      base,
    );
    await store.incrBy(spendKey("genledger:", "month", new Date(), "user", "s-user"), 5);
    const errors: unknown[] = [];
    await streamText(
      generation(newGeneration({ userId: "s-user" }), {
        model,
        prompt: "p",
        onError: ({ error }: { error: unknown }) => {
          errors.push(error);
        },
      }),
    ).consumeStream();
    expect(errors[0]).toBeInstanceOf(BudgetExceededError);
    expect(base.doStreamCalls).toHaveLength(0);
  });

  it("lets a soft budget through with a warning on the generation", async () => {
    const { model, base } = guarded([
      { name: "chat feature", scope: { functionId: "chat" }, period: "day", limitNanos: 100, mode: "soft" },
    ]);
    await store.incrBy(spendKey("genledger:", "day", new Date(), "function", "chat"), 1_000);
    const result = await generateText({ model, prompt: "p", telemetry: { functionId: "chat" } });
    expect(result.text).toBe("ok");
    expect(base.doGenerateCalls).toHaveLength(1);
    const warnings = onlyGeneration(await capture.spans()).attributes[ATTR.warnings] as string[];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('budget: "chat feature" exceeded');
  });

  it("never blocks without a matching budget, and reads nothing then", async () => {
    let reads = 0;
    const counting: KvStore = {
      get: (key) => {
        reads++;
        return store.get(key);
      },
      incrBy: (key, n, o) => store.incrBy(key, n, o),
      set: (key, v, o) => store.set(key, v, o),
      del: (key) => store.del(key),
      close: () => store.close(),
    };
    const base = chatModel({ doGenerate: textResult("ok") });
    const model = wrapLanguageModel({
      model: base,
      middleware: budgetGuard({
        store: counting,
        budgets: [{ scope: { model: "other-model" }, period: "day", limitNanos: 0, mode: "hard" }],
      }),
    });
    for (let i = 0; i < 3; i++) await generateText({ model, prompt: `p${i}` });
    expect(base.doGenerateCalls).toHaveLength(3);
    expect(reads).toBe(0);
    const unguarded = wrapLanguageModel({ model: base, middleware: budgetGuard({ store, budgets: [] }) });
    await generateText({ model: unguarded, prompt: "free" });
    expect(base.doGenerateCalls).toHaveLength(4);
  });

  it("loads budgets from a function and applies a total budget", async () => {
    let loads = 0;
    const { model, base } = guarded(async () => {
      loads++;
      return [{ scope: "all", period: "month", limitNanos: 10, mode: "hard" }];
    });
    await store.incrBy(spendKey("genledger:", "month", new Date(), "all", "*"), 10);
    await expect(generateText({ model, prompt: "p", maxRetries: 0 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    await expect(generateText({ model, prompt: "p", maxRetries: 0 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    expect(loads).toBe(1);
    expect(base.doGenerateCalls).toHaveLength(0);
  });

  it("lets calls through when the store fails", async () => {
    const broken: KvStore = {
      get: () => Promise.reject(new Error("down")),
      set: () => Promise.reject(new Error("down")),
      incrBy: () => Promise.reject(new Error("down")),
      del: () => Promise.reject(new Error("down")),
      close: async () => {},
    };
    const base = chatModel({ doGenerate: textResult("ok") });
    const model = wrapLanguageModel({
      model: base,
      middleware: budgetGuard({
        store: broken,
        budgets: [{ scope: "all", period: "day", limitNanos: 1, mode: "hard" }],
      }),
    });
    expect((await generateText({ model, prompt: "p" })).text).toBe("ok");
  });
});
