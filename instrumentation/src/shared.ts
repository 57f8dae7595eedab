import { AsyncLocalStorage } from "node:async_hooks";
import type { CallState } from "./call-state.ts";
import type { GenerationContext } from "./types.ts";

/** The context a scope gives to the generations started inside it. */
export interface ContextFrame {
  values: GenerationContext;
  /** A planned generation: the first generation started in the scope takes its ID. */
  planned: { id: string; claimed: boolean } | undefined;
}

/** A generation that ended, as the budget counters see it. */
export interface FinishedGeneration {
  id: string;
  userId: string | undefined;
  functionId: string | undefined;
  provider: string;
  model: string;
  /** What it cost; undefined when unpriced, unknown, or served from the cache. */
  costNanos: number | undefined;
  finishedAt: Date;
}

/** State shared by every copy of this module in the process (two bundles must not double-register). */
export interface Shared {
  context: AsyncLocalStorage<ContextFrame>;
  /** The generation whose provider call is running: how middleware finds its call. */
  callScope: AsyncLocalStorage<CallState>;
  finishListeners: Set<(generation: FinishedGeneration) => void | Promise<void>>;
  /** Stores (and key prefixes) whose spend counters already have a recorder. */
  spendRecorders: Map<object, Set<string>>;
  /** The started runtime, if any (typed loosely here to avoid an import cycle). */
  runtime: unknown;
}

const KEY = Symbol.for("genledger.instrumentation.shared");

/** The process-wide shared state, created on first use. */
export function shared(): Shared {
  const holder = globalThis as { [KEY]?: Shared };
  holder[KEY] ??= {
    context: new AsyncLocalStorage<ContextFrame>(),
    callScope: new AsyncLocalStorage<CallState>(),
    finishListeners: new Set(),
    spendRecorders: new Map(),
    runtime: undefined,
  };
  return holder[KEY];
}

/** The generation whose provider call runs in this async context, if it has not ended. */
export function currentCall(): CallState | undefined {
  const state = shared().callScope.getStore();
  return state && !state.ended ? state : undefined;
}
