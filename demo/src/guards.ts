import type { LanguageModelV4 } from "@ai-sdk/provider";
import { createKvStore } from "@genledger/core";
import { type Budget, budgetGuard, dedupe } from "@genledger/instrumentation";
import { wrapLanguageModel } from "ai";
import { ABUSIVE_USER_ID } from "./world.ts";

/**
 * The genledger middleware the demo app uses, as a real app would: a prompt cache on the ticket
 * summaries (same ticket, same answer, served without calling the provider) and, for live traffic,
 * budgets: a hard daily cap that stops the abusive user and a soft one that flags the research agent.
 */
const kv = createKvStore(process.env.GENLEDGER_KV_URL);

export const BUDGETS: Budget[] = [
  {
    name: "scraper cap",
    scope: { userId: ABUSIVE_USER_ID },
    period: "day",
    limitNanos: 500_000_000,
    mode: "hard",
  },
  {
    name: "research agent daily",
    scope: { functionId: "research-agent" },
    period: "day",
    limitNanos: 5_000_000_000,
    mode: "soft",
  },
];

const cache = dedupe({ store: kv, ttlSeconds: 6 * 3600 });
const budgets = budgetGuard({ store: kv, budgets: BUDGETS });

/** `model` behind the prompt cache. */
export function cached(model: LanguageModelV4): LanguageModelV4 {
  return wrapLanguageModel({ model, middleware: cache });
}

/** `model` behind the budgets (live traffic only: budget periods follow the real clock). */
export function budgeted(model: LanguageModelV4, live: boolean): LanguageModelV4 {
  return live ? wrapLanguageModel({ model, middleware: budgets }) : model;
}

/** Closes the key-value store (a Redis connection would keep the process alive). */
export async function closeGuards(): Promise<void> {
  await kv.close();
}
