import { ATTR, PENDING_SPAN_NAME } from "@genledger/core";
import type { DecodedSpan } from "../otlp/types.ts";
import { readBoolean, readString } from "./attributes.ts";

/** Which convention a generation span follows. */
export type Family = "genai" | "legacy";

/** A span with its relatives inside one export request. */
export interface SpanNode {
  span: DecodedSpan;
  parent: SpanNode | undefined;
  children: SpanNode[];
  /** Set for spans that start a generation. */
  family: Family | undefined;
  pending: boolean;
}

/** AI SDK 5/6 (and `LegacyOpenTelemetry`) outer spans: one per generation. */
export const LEGACY_ROOT_OPERATIONS: ReadonlySet<string> = new Set([
  "ai.generateText",
  "ai.streamText",
  "ai.generateObject",
  "ai.streamObject",
  "ai.embed",
  "ai.embedMany",
]);

/** GenAI `gen_ai.operation.name` values that describe a model call. */
export const GENAI_GENERATION_OPERATIONS: ReadonlySet<string> = new Set([
  "invoke_agent",
  "chat",
  "text_completion",
  "generate_content",
  "embeddings",
]);

/**
 * The tracer names of the AI SDK. Their inner spans (`chat`, `step`, `doGenerate`) belong to an
 * outer span, even when that one travels in another export request: they never start a
 * generation of their own, or a split batch would count one call twice.
 */
const AI_SDK_SCOPES: ReadonlySet<string> = new Set(["gen_ai", "ai"]);

/** The AI SDK 5/6 operation id of a span (`ai.generateText`, `ai.generateText.doGenerate`, ...). */
export function legacyOperation(span: DecodedSpan): string {
  return readString(span.attributes, "ai.operationId") ?? span.name;
}

/** True for the short span the instrumentation sends when a call starts. */
export function isPendingMarker(span: DecodedSpan): boolean {
  return span.name === PENDING_SPAN_NAME || readBoolean(span.attributes, ATTR.pendingMarker) === true;
}

function generationFamily(span: DecodedSpan): Family | undefined {
  if (LEGACY_ROOT_OPERATIONS.has(legacyOperation(span))) return "legacy";
  const operation = readString(span.attributes, "gen_ai.operation.name");
  const aiSdk = AI_SDK_SCOPES.has(span.scopeName);
  if (operation !== undefined && GENAI_GENERATION_OPERATIONS.has(operation)) {
    if (aiSdk && operation !== "invoke_agent" && operation !== "embeddings") return undefined;
    return "genai";
  }
  // A span of our own (an image-generation wrapper, for instance) that names its generation.
  if (!aiSdk && readString(span.attributes, ATTR.generationId) !== undefined) return "genai";
  return undefined;
}

function key(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

/**
 * Links the spans of one request into trees and marks generation roots: a span that describes a
 * generation and has no such span above it in the request. Parent cycles (hostile input) are cut.
 */
export function buildForest(spans: readonly DecodedSpan[]): SpanNode[] {
  const nodes: SpanNode[] = spans.map((span) => ({
    span,
    parent: undefined,
    children: [],
    family: undefined,
    pending: isPendingMarker(span),
  }));
  const byKey = new Map<string, SpanNode>();
  for (const node of nodes) byKey.set(key(node.span.traceId, node.span.spanId), node);
  for (const node of nodes) {
    if (node.span.parentSpanId === "") continue;
    const parent = byKey.get(key(node.span.traceId, node.span.parentSpanId));
    if (parent === undefined || parent === node || isAncestor(node, parent)) continue;
    node.parent = parent;
    parent.children.push(node);
  }
  const candidates = new Map<SpanNode, Family>();
  for (const node of nodes) {
    if (node.pending) continue;
    const family = generationFamily(node.span);
    if (family !== undefined) candidates.set(node, family);
  }
  for (const [node, family] of candidates) {
    let above = node.parent;
    let nested = false;
    while (above !== undefined) {
      if (candidates.has(above)) {
        nested = true;
        break;
      }
      above = above.parent;
    }
    if (!nested) node.family = family;
  }
  return nodes;
}

/** True when `candidate` is `node` or above it (so linking `node` under `candidate`'s child would loop). */
function isAncestor(node: SpanNode, candidate: SpanNode): boolean {
  let current: SpanNode | undefined = candidate;
  let steps = 0;
  while (current !== undefined && steps++ < 10_000) {
    if (current === node) return true;
    current = current.parent;
  }
  return false;
}

/** Every span below `node`, depth first, in request order within each level. */
export function descendants(node: SpanNode): DecodedSpan[] {
  const out: DecodedSpan[] = [];
  const stack = [...node.children].reverse();
  while (stack.length > 0) {
    const current = stack.pop() as SpanNode;
    out.push(current.span);
    for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i] as SpanNode);
  }
  return out;
}

/** The nearest generation root at or above `node`. */
export function owningRoot(node: SpanNode): SpanNode | undefined {
  let current: SpanNode | undefined = node;
  while (current !== undefined) {
    if (current.family !== undefined) return current;
    current = current.parent;
  }
  return undefined;
}
