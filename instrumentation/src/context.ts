import { isValidGenerationId, newGenerationId } from "@genledger/core";
import { dashboardUrlFromEnv } from "./config.ts";
import { type ContextFrame, shared } from "./shared.ts";
import type { GenerationContext, PlannedGeneration } from "./types.ts";

/** Input of {@link newGeneration}: the context, and optionally an ID of your own. */
export interface NewGenerationInput extends GenerationContext {
  /** Use this ID instead of a new one (URL-safe, 1-128 characters). */
  id?: string;
}

/** The part of the runtime this module needs, set by `init` (kept loose to avoid an import cycle). */
interface RuntimeLike {
  config: { dashboardUrl: string };
}

function dashboardUrl(): string {
  const runtime = shared().runtime as RuntimeLike | undefined;
  return runtime?.config.dashboardUrl ?? dashboardUrlFromEnv();
}

const str = (value: unknown): string | undefined =>
  value === undefined || value === null || value === "" ? undefined : String(value);

/** Keeps only well-formed fields: context comes from application code and must not break a call. */
export function cleanContext(input: unknown): GenerationContext {
  if (input === null || typeof input !== "object") return {};
  const raw = input as Record<string, unknown>;
  const out: GenerationContext = {};
  const userId = str(raw.userId);
  const sessionId = str(raw.sessionId);
  const functionId = str(raw.functionId);
  if (userId) out.userId = userId;
  if (sessionId) out.sessionId = sessionId;
  if (functionId) out.functionId = functionId;
  if (Array.isArray(raw.tags)) out.tags = raw.tags.filter((t) => t !== null && t !== undefined).map(String);
  if (raw.metadata && typeof raw.metadata === "object") {
    out.metadata = {};
    for (const [key, value] of Object.entries(raw.metadata as Record<string, unknown>)) {
      if (value !== undefined && value !== null)
        out.metadata[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return out;
}

/** `inner` over `outer`: fields replace, metadata merges key by key. */
export function mergeContext(outer: GenerationContext, inner: GenerationContext): GenerationContext {
  const merged: GenerationContext = { ...outer, ...inner };
  if (outer.metadata || inner.metadata) merged.metadata = { ...outer.metadata, ...inner.metadata };
  return merged;
}

/**
 * Runs `fn` with a generation context: every AI SDK call started inside, across awaits, records
 * these values unless the call sets its own. Scopes nest; the nearer one wins.
 *
 * @example
 * app.post("/chat", (req, res) =>
 *   withGenerationContext({ userId: req.user.id, sessionId: req.body.chatId }, () => handleChat(req, res)));
 */
export function withGenerationContext<T>(context: GenerationContext, fn: () => T): T {
  const store = shared().context;
  const parent = store.getStore();
  const frame: ContextFrame = {
    values: mergeContext(parent?.values ?? {}, cleanContext(context)),
    planned: parent?.planned,
  };
  return store.run(frame, fn);
}

/**
 * Creates a generation ID before any provider call, with its dashboard URL, so the user can be sent
 * to `/generation/:id` (or the ID stored) while the model is still working. Hand it to the call
 * with {@link withGeneration} or {@link generation}.
 *
 * @throws TypeError when `input.id` is given and is not URL-safe (1-128 of `A-Z a-z 0-9 _ -`)
 * @example
 * const gen = newGeneration({ userId: user.id, functionId: "support-reply" });
 * res.json({ generationId: gen.id, url: gen.url }); // before the model answers
 * await withGeneration(gen, () => generateText({ model, prompt }));
 */
export function newGeneration(input: NewGenerationInput = {}): PlannedGeneration {
  if (input.id !== undefined && !isValidGenerationId(input.id)) {
    throw new TypeError(
      `newGeneration: id must be 1-128 URL-safe characters (A-Z a-z 0-9 _ -), got ${JSON.stringify(input.id)}`,
    );
  }
  const id = input.id ?? newGenerationId();
  return { ...cleanContext(input), id, url: `${dashboardUrl()}/generation/${id}` };
}

/**
 * Runs `fn` so that the first AI SDK call (or image generation) started inside records the planned
 * generation's ID and context. Later calls inside get IDs of their own but keep the context.
 * Works for every call kind, including generateObject and streamObject.
 *
 * @example await withGeneration(gen, () => streamText({ model, prompt }).consumeStream());
 */
export function withGeneration<T>(generation: PlannedGeneration, fn: () => T): T {
  const store = shared().context;
  const parent = store.getStore();
  const frame: ContextFrame = {
    values: mergeContext(parent?.values ?? {}, cleanContext(generation)),
    planned: isValidGenerationId(generation?.id) ? { id: generation.id, claimed: false } : parent?.planned,
  };
  return store.run(frame, fn);
}

/** What {@link generation} adds to a call's options. */
export interface GenerationCallOptions {
  runtimeContext: Record<string, unknown>;
  telemetry: Record<string, unknown> & { includeRuntimeContext: Record<string, boolean> };
}

/**
 * Call options that give one generateText, streamText, embed or embedMany call the planned
 * generation's ID and context, merged into `options` when given (their `runtimeContext` and
 * `telemetry` are kept). It travels as `runtimeContext.genledger`, which telemetry may read.
 *
 * @example await generateText(generation(gen, { model, prompt }));
 */
export function generation<T extends object = Record<string, never>>(
  planned: PlannedGeneration,
  options?: T,
): T & GenerationCallOptions {
  const base = (options ?? {}) as T & {
    runtimeContext?: Record<string, unknown>;
    telemetry?: Record<string, unknown>;
  };
  const telemetry = base.telemetry ?? {};
  const include = (telemetry.includeRuntimeContext as Record<string, boolean> | undefined) ?? {};
  return {
    ...base,
    runtimeContext: { ...base.runtimeContext, genledger: { ...cleanContext(planned), id: planned.id } },
    telemetry: { ...telemetry, includeRuntimeContext: { ...include, genledger: true } },
  };
}

/** The ID and context a starting generation records. */
export interface ResolvedCallContext extends GenerationContext {
  id: string;
}

/**
 * Settles a starting call's ID and context: the call's own `runtimeContext.genledger` first, then
 * the planned generation of the scope (claimed by the first call), then the scope's context, and
 * a new ID when nothing supplied one.
 */
export function resolveCallContext(
  perCall: unknown,
  onInvalidId?: (id: unknown) => void,
): ResolvedCallContext {
  const frame = shared().context.getStore();
  let values = frame?.values ?? {};
  let id: string | undefined;
  if (perCall && typeof perCall === "object") {
    values = mergeContext(values, cleanContext(perCall));
    const supplied = (perCall as { id?: unknown }).id;
    if (supplied !== undefined) {
      if (typeof supplied === "string" && isValidGenerationId(supplied)) id = supplied;
      else onInvalidId?.(supplied);
    }
  }
  if (id === undefined && frame?.planned && !frame.planned.claimed) {
    frame.planned.claimed = true;
    id = frame.planned.id;
  }
  return { ...values, id: id ?? newGenerationId() };
}

/** The scope's context without claiming anything (for middleware that only reads it). */
export function peekContext(): GenerationContext {
  return shared().context.getStore()?.values ?? {};
}
