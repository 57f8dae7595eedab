import { randomBytes } from "node:crypto";
import { ATTR, PENDING_SPAN_NAME } from "@genledger/core";
import { type Attributes, type SpanContext, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { hrTime } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import type { CallState } from "./call-state.ts";
import { identityAttributes } from "./span-attributes.ts";
import { VERSION } from "./version.ts";

const COPIED = ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.agent.name"];
const COPIED_INPUTS = ["gen_ai.input.messages", "gen_ai.system_instructions", ATTR.embedValues];
const SCOPE = { name: "genledger", version: VERSION };

// One getrandom call per 512 IDs instead of one per ID: it was most of a marker's cost.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/** `bytes` random bytes as lowercase hex (a span or trace ID). */
function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  return hex;
}
const ZERO: [number, number] = [0, 0];

/** Where pending markers go: straight to genledger's span processor. */
export interface MarkerSink {
  /** Takes a finished span, as a span processor's `onEnd` does. */
  emit: (span: ReadableSpan) => void;
  /** The resource of genledger's provider (service name). */
  resource: Resource;
}

/**
 * Emits the pending marker: a zero-length child span of the generation span saying "this generation
 * started", with its ID, who, which model and the prompt. The span processor exports markers at
 * once, so a pending record exists while the generation runs (and stays, as abandoned, if the
 * process dies mid-stream).
 *
 * The marker is a point in time, not an operation: it is built as a finished `ReadableSpan` and
 * handed to the processor directly. Going through a live SDK span (sampler, limits, two processor
 * calls) cost several times more, on every generation.
 */
export function emitPendingMarker(
  sink: MarkerSink,
  state: CallState,
  identity = identityAttributes(state),
): void {
  const attrs: Attributes = {
    ...identity,
    [ATTR.pendingMarker]: true,
    [ATTR.status]: "pending",
  };
  const root = state.root as ({ attributes?: Attributes } & { spanContext(): SpanContext }) | undefined;
  const rootAttrs = root?.attributes ?? {};
  for (const key of COPIED) if (rootAttrs[key] !== undefined) attrs[key] = rootAttrs[key];
  if (state.recordInputs) {
    for (const key of COPIED_INPUTS) if (rootAttrs[key] !== undefined) attrs[key] = rootAttrs[key];
  }
  const parent = root?.spanContext();
  const context: SpanContext = {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    traceFlags: TraceFlags.SAMPLED,
  };
  const at = hrTime();
  sink.emit({
    name: PENDING_SPAN_NAME,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: parent,
    startTime: at,
    endTime: at,
    duration: ZERO,
    status: { code: SpanStatusCode.UNSET },
    attributes: attrs,
    links: [],
    events: [],
    ended: true,
    resource: sink.resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  });
}
