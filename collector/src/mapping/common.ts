import {
  ATTR,
  deriveGenerationId,
  type Generation,
  type GenerationStatus,
  isValidGenerationId,
  type Message,
  OPERATIONS,
  type Operation,
} from "@genledger/core";
import type { IngestLimits } from "../config.ts";
import { type Attributes, type DecodedSpan, STATUS_CODE } from "../otlp/types.ts";
import { readBoolean, readJson, readNumber, readString, readStringArray, toJsonText } from "./attributes.ts";
import type { IngestNotes } from "./notes.ts";
import { RejectedGeneration } from "./notes.ts";
import { providerNameOf } from "./provider-name.ts";
import { isPendingMarker } from "./tree.ts";

/** What every builder needs. */
export interface MapContext {
  projectId: string;
  limits: IngestLimits;
  notes: IngestNotes;
}

/** Schema limits of the record's short text fields. */
const MAX_SHORT = 256;
const MAX_LONG = 512;

/** Cuts `value` to the record schema's length for the field. */
export function clip(value: string, max = MAX_SHORT): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** Nanoseconds since the epoch as a Date (ms precision). */
export function nanosToDate(nanos: bigint): Date {
  return new Date(Number(nanos / 1_000_000n));
}

/** Duration between two nanosecond timestamps in whole ms, never negative. */
export function durationMs(start: bigint, end: bigint): number {
  if (end <= start) return 0;
  return Math.round(Number(end - start) / 1e6);
}

/** Every `genledger.*` attribute of a generation's spans; the root's values win over its children's. */
export function genledgerAttributes(root: DecodedSpan, below: readonly DecodedSpan[]): Attributes {
  const merged = Object.create(null) as Attributes;
  for (const span of [...below, root]) {
    // The pending marker is a child of the generation span: its `pending` status is not the outcome.
    if (span !== root && isPendingMarker(span)) continue;
    for (const key in span.attributes) {
      if (key.startsWith("genledger.")) merged[key] = span.attributes[key] ?? null;
    }
  }
  return merged;
}

/**
 * The generation's ID: `genledger.generation.id` when present (it must be a valid ID: an invalid
 * one rejects the span rather than silently filing the record elsewhere), else derived from the
 * trace and span IDs so that re-delivery maps to the same record.
 */
export function generationIdOf(span: DecodedSpan, attrs: Attributes): string {
  const given = readString(attrs, ATTR.generationId);
  if (given === undefined || given === "") return deriveGenerationId(span.traceId, span.spanId);
  if (!isValidGenerationId(given)) {
    throw new RejectedGeneration(
      "invalid_generation_id",
      `span ${span.spanId}: genledger.generation.id ${JSON.stringify(given.slice(0, 80))} is not a valid ID (1-128 characters of A-Z a-z 0-9 _ -)`,
    );
  }
  return given;
}

/** The final status: our attribute first, then the span status. */
export function finalStatus(span: DecodedSpan, attrs: Attributes): GenerationStatus {
  const declared = readString(attrs, ATTR.status);
  if (declared === "aborted") return "aborted";
  if (declared === "error" || span.statusCode === STATUS_CODE.error) return "error";
  return "complete";
}

/** An operation name when it is one we know, else `fallback`. */
export function operationOf(attrs: Attributes, fallback: Operation): Operation {
  const declared = readString(attrs, ATTR.operation);
  return declared !== undefined && (OPERATIONS as readonly string[]).includes(declared)
    ? (declared as Operation)
    : fallback;
}

/** The error text of a failed span: our attribute, the status message, or an `exception` event. */
export function errorOf(spans: readonly DecodedSpan[], attrs: Attributes): string | null {
  const declared = readString(attrs, ATTR.error);
  if (declared !== undefined && declared !== "") return declared;
  for (const span of spans) {
    if (span.statusCode === STATUS_CODE.error && span.statusMessage !== "") return span.statusMessage;
  }
  for (const span of spans) {
    for (const event of span.events) {
      if (event.name !== "exception") continue;
      const message =
        readString(event.attributes, "exception.message") ?? readString(event.attributes, "exception.type");
      if (message !== undefined) return message;
    }
  }
  return null;
}

/**
 * A token count from the first present key. Negative, fractional or unreadable counts are
 * clamped (to 0, or rounded) with a note; a count above `limits.maxTokens` rejects the generation.
 */
export function tokenCount(
  attrs: Attributes,
  keys: readonly string[],
  span: DecodedSpan,
  ctx: MapContext,
): number | undefined {
  for (const key of keys) {
    const raw = attrs[key];
    if (raw === undefined || raw === null) continue;
    const value = readNumber(attrs, key);
    if (value === undefined) {
      ctx.notes.note(
        `span ${span.spanId}: ${key} is not a number (${JSON.stringify(toJsonText(raw).slice(0, 40))}); counted as 0`,
      );
      return 0;
    }
    if (value < 0) {
      ctx.notes.note(`span ${span.spanId}: ${key} was negative (${value}); counted as 0`);
      return 0;
    }
    if (value > ctx.limits.maxTokens) {
      throw new RejectedGeneration(
        "absurd_tokens",
        `span ${span.spanId}: ${key}=${value} is above the limit of ${ctx.limits.maxTokens} tokens (GENLEDGER_INGEST_MAX_TOKENS); generation rejected`,
      );
    }
    return Math.round(value);
  }
  return undefined;
}

/** A base record with everything defaulted; builders fill it in. */
export function baseGeneration(root: DecodedSpan, id: string, ctx: MapContext): Generation {
  return {
    id,
    projectId: ctx.projectId,
    status: "complete",
    operation: "unknown",
    userId: "",
    sessionId: "",
    functionId: "",
    tags: [],
    metadata: {},
    provider: "",
    model: "",
    responseModel: "",
    prompt: { system: "", messages: [], tools: [] },
    output: { messages: [] },
    finishReason: "",
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      images: 0,
    },
    cost: null,
    unpriced: false,
    priceEntry: "",
    cacheHit: false,
    cacheSourceId: "",
    costSavedNanos: 0,
    warnings: [],
    redactions: [],
    startedAt: nanosToDate(root.startTimeUnixNano),
    finishedAt: nanosToDate(root.endTimeUnixNano),
    latencyMs: durationMs(root.startTimeUnixNano, root.endTimeUnixNano),
    ttftMs: null,
    traceId: root.traceId,
    spanId: root.spanId,
    error: null,
  };
}

/**
 * Applies the `genledger.*` attributes the instrumentation sets (user, session, function, tags,
 * metadata, provider, model, cache, warnings, ttft, structured output, partial output).
 */
export function applyGenledger(
  generation: Generation,
  attrs: Attributes,
  span: DecodedSpan,
  ctx: MapContext,
): void {
  const userId = readString(attrs, ATTR.userId);
  if (userId !== undefined) generation.userId = clip(userId, MAX_LONG);
  const sessionId = readString(attrs, ATTR.sessionId);
  if (sessionId !== undefined) generation.sessionId = clip(sessionId, MAX_LONG);
  const functionId = readString(attrs, ATTR.functionId);
  if (functionId !== undefined) generation.functionId = clip(functionId, MAX_LONG);
  const tags = readStringArray(attrs, ATTR.tags);
  if (tags !== undefined) generation.tags = tags.slice(0, 64).map((tag) => clip(tag));
  for (const key in attrs) {
    if (key.startsWith(ATTR.metadataPrefix)) {
      generation.metadata[key.slice(ATTR.metadataPrefix.length)] = toJsonText(attrs[key] ?? null);
    }
  }
  const provider = readString(attrs, ATTR.provider);
  // The instrumentation sends the AI SDK provider id ("anthropic.messages"): file it under the
  // same name as the GenAI spans do, so one provider is one value in filters and rollups.
  if (provider !== undefined && provider !== "") generation.provider = clip(providerNameOf(provider));
  const model = readString(attrs, ATTR.model);
  if (model !== undefined && model !== "") generation.model = clip(model);
  if (readBoolean(attrs, ATTR.cacheHit) === true) generation.cacheHit = true;
  const source = readString(attrs, ATTR.cacheSourceId);
  if (source !== undefined) generation.cacheSourceId = clip(source, 128);
  const saved = readNumber(attrs, ATTR.cacheSavedNanos);
  if (saved !== undefined && Number.isSafeInteger(saved) && saved >= 0) generation.costSavedNanos = saved;
  const warnings = readStringArray(attrs, ATTR.warnings);
  if (warnings !== undefined) generation.warnings.push(...warnings);
  const ttft = readNumber(attrs, ATTR.ttftMs);
  if (ttft !== undefined && ttft >= 0) generation.ttftMs = Math.round(ttft);
  const reasoning = tokenCount(attrs, [ATTR.reasoningTokens], span, ctx);
  if (reasoning !== undefined) generation.usage.reasoningTokens = reasoning;
  const images = tokenCount(attrs, [ATTR.images], span, ctx);
  if (images !== undefined) generation.usage.images = images;
  const object = readJson(attrs, ATTR.outputObject);
  if (object.ok) generation.output.object = object.value;
  const values = readJson(attrs, ATTR.embedValues);
  if (values.ok && Array.isArray(values.value)) {
    generation.prompt.values = values.value.map((value) =>
      typeof value === "string" ? value : JSON.stringify(value),
    );
  }
}

/** Output received before an abort or error (`genledger.output.partial`), when nothing else was. */
export function partialOutput(attrs: Attributes): Message[] | undefined {
  const partial = readJson(attrs, ATTR.partialOutput);
  if (!partial.ok || !Array.isArray(partial.value)) return undefined;
  return partial.value as Message[];
}

/** A note for a prompt or output attribute that was over the size limit and so was not kept. */
export function oversizeNote(span: DecodedSpan, key: string, ctx: MapContext): string | undefined {
  const found = span.oversize.find((entry) => entry.key === key);
  if (found === undefined) return undefined;
  const message = `span ${span.spanId}: ${key} was ${found.bytes} bytes, over the ${ctx.limits.maxAttributeBytes}-byte attribute limit (GENLEDGER_INGEST_MAX_ATTRIBUTE_BYTES); replaced by a note`;
  ctx.notes.note(message);
  return `[genledger: ${key} was ${found.bytes} bytes, over the ${ctx.limits.maxAttributeBytes}-byte limit, and was not stored]`;
}
