import type { Generation } from "@genledger/core";
import type { DecodedSpan } from "../otlp/types.ts";
import type { Redactor } from "../redact/redactor.ts";
import { genledgerAttributes, type MapContext } from "./common.ts";
import { applyCost, type Pricer } from "./cost.ts";
import { buildGenAiGeneration } from "./genai.ts";
import { buildLegacyGeneration } from "./legacy.ts";
import { RejectedGeneration } from "./notes.ts";
import { buildPendingGeneration } from "./pending.ts";
import { type StoredSpan, toStoredSpan } from "./stored-spans.ts";
import type { TraceMemory } from "./trace-memory.ts";
import { buildForest, descendants, owningRoot, type SpanNode } from "./tree.ts";

/** Options of {@link mapSpans} beyond the shared context. */
export interface MapSpansOptions extends MapContext {
  /** Traces seen with a generation recently; their later spans are kept too. */
  traceMemory?: TraceMemory;
  /** The project's redactor for stored span attributes; null when the project does not redact. */
  redactor?: Redactor | null;
  /** Prices generations whose spans carry no cost. */
  pricer: Pricer;
}

/** Generations and stored spans of one export request. */
export interface MappedSpans {
  generations: Generation[];
  spans: StoredSpan[];
  /** Redaction rules that fired on stored span attributes. */
  spanRedactions: Set<string>;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** Why a span's IDs are unusable, or undefined when they are fine. */
function invalidIds(span: DecodedSpan): string | undefined {
  if (!TRACE_ID.test(span.traceId) || span.traceId === ZERO_TRACE) {
    return `trace ID ${JSON.stringify(span.traceId.slice(0, 64))} is not 32 hex digits (or is all zero)`;
  }
  if (!SPAN_ID.test(span.spanId) || span.spanId === ZERO_SPAN) {
    return `span ID ${JSON.stringify(span.spanId.slice(0, 64))} is not 16 hex digits (or is all zero)`;
  }
  if (span.parentSpanId !== "" && !SPAN_ID.test(span.parentSpanId)) {
    return `parent span ID ${JSON.stringify(span.parentSpanId.slice(0, 64))} is not 16 hex digits`;
  }
  return undefined;
}

const USAGE_FIELDS = [
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "reasoningTokens",
  "images",
] as const;

/** A span of an AI SDK tracer or one that follows the GenAI conventions. */
function isAiSpan(span: DecodedSpan): boolean {
  return (
    span.scopeName === "gen_ai" ||
    span.scopeName === "ai" ||
    span.attributes["gen_ai.operation.name"] !== undefined ||
    span.attributes["ai.operationId"] !== undefined
  );
}

function build(node: SpanNode, options: MapSpansOptions): Generation {
  const below = descendants(node);
  const genledger = genledgerAttributes(node.span, below);
  const { generation, usage } =
    node.family === "legacy"
      ? buildLegacyGeneration(node.span, below, genledger, options)
      : buildGenAiGeneration(node.span, below, genledger, options);
  // Sums over many provider calls can pass the limit even when each call is below it.
  for (const field of USAGE_FIELDS) {
    if (generation.usage[field] > options.limits.maxTokens) {
      throw new RejectedGeneration(
        "absurd_tokens",
        `span ${node.span.spanId}: ${field}=${generation.usage[field]} is above the limit of ${options.limits.maxTokens} tokens (GENLEDGER_INGEST_MAX_TOKENS); generation rejected`,
      );
    }
  }
  applyCost(generation, genledger, options.pricer, options.notes, usage);
  return generation;
}

/**
 * Maps the spans of one export request to generation records and stored spans. Spans with unusable
 * IDs, generations with an invalid `genledger.generation.id` or absurd token counts are rejected
 * (counted in `ctx.notes`); everything else in the request is kept.
 */
export function mapSpans(spans: readonly DecodedSpan[], options: MapSpansOptions): MappedSpans {
  const valid: DecodedSpan[] = [];
  for (const span of spans) {
    const problem = invalidIds(span);
    if (problem === undefined) valid.push(span);
    else options.notes.reject("invalid_id", `span ${JSON.stringify(span.name.slice(0, 80))}: ${problem}`);
  }
  const nodes = buildForest(valid);
  const generationIdByRoot = new Map<SpanNode, string>();
  const pendingIdByNode = new Map<SpanNode, string>();
  const finals = new Map<string, Generation>();
  const pendings = new Map<string, Generation>();

  for (const node of nodes) {
    if (node.family === undefined && !node.pending) continue;
    try {
      if (node.pending) {
        const pending = buildPendingGeneration(node.span, options);
        pendingIdByNode.set(node, pending.id);
        if (!pendings.has(pending.id)) pendings.set(pending.id, pending);
        continue;
      }
      const generation = build(node, options);
      generationIdByRoot.set(node, generation.id);
      // The same span twice in one request (a retried batch merged with a new one): keep one.
      if (!finals.has(generation.id)) finals.set(generation.id, generation);
    } catch (error) {
      if (error instanceof RejectedGeneration) {
        options.notes.reject(error.reason, error.message);
      } else {
        // A mapping bug on odd input must cost one span, not the request.
        options.notes.reject(
          "invalid_record",
          `span ${node.span.spanId}: could not be mapped (${(error as Error).message?.slice(0, 200) ?? String(error)})`,
        );
      }
    }
  }

  const generations = [...finals.values()];
  for (const [id, pending] of pendings) if (!finals.has(id)) generations.push(pending);

  // Traces to keep: those with a generation here, and those of AI spans (an AI SDK child span
  // exported before its root still belongs to a generation's trace).
  const memory = options.traceMemory;
  const traces = new Set<string>();
  for (const generation of generations) traces.add(generation.traceId);
  for (const node of nodes) if (isAiSpan(node.span)) traces.add(node.span.traceId);
  for (const traceId of traces) memory?.remember(options.projectId, traceId);
  const stored: StoredSpan[] = [];
  const spanRedactions = new Set<string>();
  const maxBytes = options.limits.traceAttributeMaxBytes;
  for (const node of nodes) {
    const traceId = node.span.traceId;
    if (!traces.has(traceId) && !(memory?.has(options.projectId, traceId) ?? false)) continue;
    const root = owningRoot(node);
    const generationId =
      pendingIdByNode.get(node) ?? (root === undefined ? "" : (generationIdByRoot.get(root) ?? ""));
    stored.push(
      toStoredSpan(
        node.span,
        options.projectId,
        generationId,
        maxBytes,
        options.redactor ?? null,
        spanRedactions,
      ),
    );
  }
  return { generations, spans: stored, spanRedactions };
}
