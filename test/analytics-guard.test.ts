// The live budget counters shared by the app's budgetGuard and the collector's alert evaluator, in
// a real Redis: the evaluator sets them to the ClickHouse truth, and the guard refuses calls on them.
import {
  createBudget,
  insertGenerations,
  listBudgets,
  type Store,
  toGuardBudgets,
} from "@genledger/clickhouse";
import { createKvStore, type KvStore } from "@genledger/core";
import { generateText, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertEvaluator } from "../collector/src/alerts/index.ts";
import { BudgetExceededError, budgetGuard, withGenerationContext } from "../instrumentation/src/index.ts";
import { gen, openStore } from "./analytics-fixtures.ts";
import { hasBinary, type RedisServer, startRedis } from "./support/services.ts";

const USD = 1_000_000_000;

describe.skipIf(!hasBinary("redis-server"))("budget counters in Redis", () => {
  let redis: RedisServer;
  let store: Store;
  let cleanup: () => Promise<void>;
  let appKv: KvStore;
  let collectorKv: KvStore;

  beforeAll(async () => {
    redis = await startRedis();
    ({ store, cleanup } = await openStore());
    appKv = createKvStore(redis.url);
    collectorKv = createKvStore(redis.url);
  });
  afterAll(async () => {
    await appKv?.close();
    await collectorKv?.close();
    await cleanup?.();
    await redis?.stop();
  });

  it("the evaluator corrects a drifted counter and the guard enforces the dashboard's hard budget", async () => {
    const now = new Date();
    await createBudget(store, {
      projectId: "p1",
      createdBy: "fin@x",
      name: "Ana per day",
      scope: "user",
      scopeValue: "ana",
      period: "day",
      amountNanos: BigInt(2 * USD),
      enforcement: "hard",
    });
    // Ana already spent $2.50 today (ClickHouse knows), but this app's counter says $0.10: it was
    // restarted with an empty store, or increments were lost.
    await insertGenerations(
      store,
      Array.from({ length: 5 }, (_, i) =>
        gen({ userId: "ana", cost: { total: USD / 2 }, startedAt: new Date(now.getTime() - (i + 1) * 1000) }),
      ),
    );
    const key = `genledger:spend:day:${now.toISOString().slice(0, 10)}:user:ana`;
    await appKv.set(key, String(USD / 10));

    const { guard, skipped } = toGuardBudgets(await listBudgets(store, { projectId: "p1" }));
    expect(skipped).toEqual([]);
    const base = new MockLanguageModelV4({
      provider: "openai.chat",
      modelId: "gpt-4o-mini",
      doGenerate: async () => ({
        content: [{ type: "text", text: "ok" }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 5, text: 5, reasoning: 0 },
        },
        warnings: [],
      }),
    });
    const model = wrapLanguageModel({
      model: base,
      middleware: budgetGuard({ store: appKv, budgets: guard }),
    });
    // Before reconciliation the stale counter lets Ana through.
    await withGenerationContext({ userId: "ana" }, () =>
      generateText({ model, prompt: "hi", maxRetries: 0 }),
    );
    expect(base.doGenerateCalls).toHaveLength(1);

    const evaluator = createAlertEvaluator({ store, kv: collectorKv, now: () => now });
    const report = await evaluator.evaluateOnce();
    await evaluator.stop();
    expect(report.countersReconciled).toBe(1);
    expect(await appKv.get(key)).toBe(String(2.5 * USD));

    const refused = await withGenerationContext({ userId: "ana" }, () =>
      generateText({ model, prompt: "again", maxRetries: 0 }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect((refused as BudgetExceededError).spendNanos).toBe(2.5 * USD);
    expect(base.doGenerateCalls).toHaveLength(1);
    // Another user is not affected.
    await withGenerationContext({ userId: "bo" }, () => generateText({ model, prompt: "hi", maxRetries: 0 }));
    expect(base.doGenerateCalls).toHaveLength(2);
  });
});
