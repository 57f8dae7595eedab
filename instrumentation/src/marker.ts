import { ATTR, PENDING_SPAN_NAME } from "@genledger/core";
import { type Attributes, context, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { CallState } from "./call-state.ts";
import { identityAttributes } from "./span-attributes.ts";

const COPIED = ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.agent.name"];
const COPIED_INPUTS = ["gen_ai.input.messages", "gen_ai.system_instructions", ATTR.embedValues];

/**
 * Emits the pending marker: a short child span of the generation span saying "this generation
 * started", with its ID, who, which model and the prompt. The span processor exports markers at
 * once, so a pending record exists while the generation runs (and stays, as abandoned, if the
 * process dies mid-stream).
 */
export function emitPendingMarker(
  tracer: Tracer,
  state: CallState,
  identity = identityAttributes(state),
): void {
  const attrs: Attributes = {
    ...identity,
    [ATTR.pendingMarker]: true,
    [ATTR.status]: "pending",
  };
  const rootAttrs = (state.root as { attributes?: Attributes } | undefined)?.attributes ?? {};
  for (const key of COPIED) if (rootAttrs[key] !== undefined) attrs[key] = rootAttrs[key];
  if (state.recordInputs) {
    for (const key of COPIED_INPUTS) if (rootAttrs[key] !== undefined) attrs[key] = rootAttrs[key];
  }
  const parent = state.root ? trace.setSpan(context.active(), state.root) : context.active();
  // Setting attributes after the start is measurably cheaper than passing them to startSpan.
  const marker = tracer.startSpan(PENDING_SPAN_NAME, { kind: SpanKind.INTERNAL }, parent);
  marker.setAttributes(attrs);
  marker.end();
}
