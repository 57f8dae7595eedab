import { OpenTelemetry } from "@ai-sdk/otel";
import { ATTR } from "@genledger/core";
import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import { type CallState, hasPartial, newCallState, partialMessages } from "./call-state.ts";
import { resolveCallContext } from "./context.ts";
import { errorMessage, type Logger } from "./log.ts";
import { emitPendingMarker, type MarkerSink } from "./marker.ts";
import type { CostOutcome, Pricer } from "./pricing.ts";
import { shared } from "./shared.ts";
import {
  costAttributes,
  identityAttributes,
  operationOf,
  tokenCounts,
  warningLines,
} from "./span-attributes.ts";
import { tapProviderStream } from "./stream-tap.ts";

/** What the integration needs from the runtime. */
export interface IntegrationDeps {
  /** The tracer the AI SDK's spans are made with (scope `gen_ai`, as `@ai-sdk/otel`'s own). */
  tracer: Tracer;
  /** Where pending markers go. */
  markers: MarkerSink;
  pricer: Pricer;
  log: Logger;
  /** Called once per generation after its span ended. */
  onFinished: (state: CallState, outcome: CostOutcome) => void;
}

type AnyEvent = Record<string, unknown> & { callId?: string };
type Hook = (event: AnyEvent) => unknown;

// Hooks passed straight to the GenAI-convention integration (deprecated aliases left out: the SDK
// calls both names, and `onStepFinish` would end a step twice).
const DELEGATED = [
  "executeTool",
  "onStepStart",
  "onLanguageModelCallStart",
  "onToolExecutionStart",
  "onToolExecutionEnd",
  "onStepEnd",
  "onStepError",
  "onObjectStepStart",
  "onEmbedStart",
  "onEmbedEnd",
  "onRerankStart",
  "onRerankEnd",
  "experimental_onStreamTranscriptionStart",
  "experimental_onStreamTranscriptionEnd",
  "experimental_onDecideStart",
  "experimental_onDecideEnd",
  "experimental_onDecisionModelCallStart",
  "experimental_onDecisionModelCallEnd",
] as const;

/** Generations in flight beyond which the oldest are forgotten (a stream nobody reads never ends). */
const MAX_IN_FLIGHT = 10_000;

const isAbort = (error: unknown) => error instanceof Error && error.name === "AbortError";

/**
 * The AI SDK telemetry integration genledger registers: `@ai-sdk/otel`'s GenAI-convention spans,
 * plus `genledger.*` attributes on each generation span (ID, user, status, cost, cache, warnings,
 * partial output), a pending marker span at start, and the call scope middleware reads.
 *
 * Structurally an AI SDK `Telemetry` integration (its hooks take the SDK's events loosely typed).
 * It wraps one `OpenTelemetry` instance so it controls the order: its attributes are set before the
 * wrapped integration ends the span. The generation span is the first span that instance starts
 * during `onStart`, caught by handing it a tracer that notes it.
 */
export class GenledgerIntegration {
  readonly inner: OpenTelemetry;
  private readonly deps: IntegrationDeps;
  private readonly states = new Map<string, CallState>();
  private capturing = false;
  private captured: Span | undefined;

  constructor(deps: IntegrationDeps) {
    this.deps = deps;
    const real = deps.tracer;
    const capturing: Tracer = {
      startSpan: (name, options, ctx) => {
        const span = real.startSpan(name, options, ctx);
        if (this.capturing && this.captured === undefined) this.captured = span;
        return span;
      },
      startActiveSpan: ((...args: Parameters<Tracer["startActiveSpan"]>) =>
        (real.startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer["startActiveSpan"],
    };
    this.inner = new OpenTelemetry({ tracer: capturing, usage: true });
    const self = this as unknown as Record<string, Hook>;
    const inner = this.inner as unknown as Record<string, Hook | undefined>;
    for (const name of DELEGATED) {
      const hook = inner[name];
      if (typeof hook === "function") self[name] = hook.bind(this.inner);
    }
  }

  /** Generations started and not yet ended. */
  get inFlight(): number {
    return this.states.size;
  }

  onStart(event: AnyEvent): void {
    const operation = operationOf(event.operationId);
    if (operation === "unknown" || typeof event.callId !== "string") {
      this.inner.onStart(event as never);
      return;
    }
    let state: CallState | undefined;
    try {
      state = this.createState(event, operation);
    } catch (error) {
      this.deps.log.once("state", "warn", `could not record a generation: ${errorMessage(error)}`);
    }
    this.capturing = true;
    this.captured = undefined;
    try {
      this.inner.onStart(event as never);
    } finally {
      this.capturing = false;
    }
    if (!state) return;
    state.root = this.captured;
    this.captured = undefined;
    this.track(state);
    // The rest of the operation (its provider calls, middleware) runs in this async context.
    shared().callScope.enterWith(state);
    try {
      emitPendingMarker(this.deps.markers, state, this.annotateStart(state, event));
    } catch (error) {
      this.deps.log.once("start", "warn", `could not annotate a generation: ${errorMessage(error)}`);
    }
  }

  executeLanguageModelCall<T>(event: { callId: string; execute: () => PromiseLike<T> }): PromiseLike<T> {
    const state = this.states.get(event.callId);
    if (!state) return this.inner.executeLanguageModelCall(event);
    const execute = async () => {
      const result = await event.execute();
      tapProviderStream(result, state);
      return result;
    };
    // The wrapped integration reads only these two fields; copying the whole event costs per call.
    return shared().callScope.run(state, () =>
      this.inner.executeLanguageModelCall({ callId: event.callId, execute }),
    );
  }

  onLanguageModelCallEnd(event: AnyEvent): void {
    const state = this.stateOf(event);
    if (state) {
      if (typeof event.modelId === "string") state.responseModel = event.modelId;
      if (typeof event.responseId === "string") state.responseId = event.responseId;
    }
    this.inner.onLanguageModelCallEnd(event as never);
  }

  onObjectStepEnd(event: AnyEvent): void {
    const state = this.stateOf(event);
    if (state) {
      const response = event.response as { id?: unknown; modelId?: unknown } | undefined;
      if (typeof response?.modelId === "string") state.responseModel = response.modelId;
      if (typeof response?.id === "string") state.responseId = response.id;
      if (typeof event.msToFirstChunk === "number") state.reportedTtftMs = Math.round(event.msToFirstChunk);
    }
    this.inner.onObjectStepEnd(event as never);
  }

  onEnd(event: AnyEvent): void {
    const state = this.stateOf(event);
    const outcome = state ? this.annotateEnd(state, "end", event) : undefined;
    try {
      this.inner.onEnd(event as never);
    } finally {
      if (state) this.finished(state, outcome);
    }
  }

  onAbort(event: AnyEvent): void {
    const state = this.stateOf(event);
    const outcome = state ? this.annotateEnd(state, "abort", event) : undefined;
    try {
      this.inner.onAbort(event as never);
    } finally {
      if (state) this.finished(state, outcome);
    }
  }

  onError(event: unknown): void {
    const state = this.stateOf(event as AnyEvent);
    const outcome = state ? this.annotateEnd(state, "error", event as AnyEvent) : undefined;
    try {
      this.inner.onError(event);
    } finally {
      if (state) this.finished(state, outcome);
    }
  }

  private stateOf(event: AnyEvent | undefined): CallState | undefined {
    return typeof event?.callId === "string" ? this.states.get(event.callId) : undefined;
  }

  private track(state: CallState): void {
    if (this.states.size >= MAX_IN_FLIGHT) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
      this.deps.log.once(
        "in-flight",
        "warn",
        `over ${MAX_IN_FLIGHT} generations never ended; forgetting the oldest`,
      );
    }
    this.states.set(state.callId, state);
  }

  private createState(event: AnyEvent, operation: CallState["operation"]): CallState {
    const runtimeContext = event.runtimeContext as Record<string, unknown> | undefined;
    const resolved = resolveCallContext(runtimeContext?.genledger, (bad) =>
      this.deps.log.once(
        "bad-id",
        "warn",
        `ignoring an invalid generation id ${JSON.stringify(bad)}; made a new one`,
      ),
    );
    // The AI SDK's telemetry.functionId names the feature where the call is made: it wins.
    if (typeof event.functionId === "string" && event.functionId) resolved.functionId = event.functionId;
    return newCallState({
      callId: event.callId as string,
      operation,
      provider: String(event.provider ?? ""),
      modelId: String(event.modelId ?? ""),
      context: resolved,
      recordInputs: event.recordInputs !== false,
      recordOutputs: event.recordOutputs !== false,
    });
  }

  /** Sets who and what on the generation span; returns those attributes for the marker. */
  private annotateStart(state: CallState, event: AnyEvent): Attributes {
    const identity = identityAttributes(state);
    if (!state.root) return identity;
    const attrs = { ...identity };
    if (state.recordInputs && (state.operation === "embed" || state.operation === "embedMany")) {
      // embedMany's start event carries its inputs as `value` too (an array).
      const values = Array.isArray(event.value) ? event.value : [event.value];
      attrs[ATTR.embedValues] = JSON.stringify(
        values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
      );
    }
    state.root.setAttributes(attrs);
    return identity;
  }

  /** Final attributes, set before the wrapped integration ends the span. */
  private annotateEnd(state: CallState, kind: "end" | "abort" | "error", event: AnyEvent): CostOutcome {
    let outcome: CostOutcome = { kind: "unknown" };
    try {
      const status =
        kind === "abort" || (kind === "error" && isAbort(event.error))
          ? "aborted"
          : kind === "error" || event.finishReason === "error" || state.streamError !== undefined
            ? "error"
            : "complete";
      const attrs: Attributes = { [ATTR.status]: status };
      const counts = kind === "end" ? tokenCounts(event.usage) : undefined;
      if (counts) {
        if (counts.reasoningTokens !== undefined) attrs[ATTR.reasoningTokens] = counts.reasoningTokens;
        // The embeddings span gets no usage from the SDK (only its per-batch children do).
        if (state.operation === "embed" || state.operation === "embedMany") {
          attrs["gen_ai.usage.input_tokens"] = counts.inputTokens ?? 0;
        }
        if (!state.cache) {
          outcome = this.deps.pricer({
            provider: state.provider,
            model: state.responseModel ?? state.modelId,
            at: new Date(state.startedAt),
            usage: counts,
          });
        }
      }
      Object.assign(attrs, costAttributes(outcome, state.cache));
      if (state.responseModel) attrs["gen_ai.response.model"] = state.responseModel;
      if (state.responseId) attrs["gen_ai.response.id"] = state.responseId;
      const warnings = [...warningLines(event.warnings), ...state.warnings];
      if (warnings.length > 0) attrs[ATTR.warnings] = warnings;
      const ttft =
        state.firstChunkAt !== undefined ? state.firstChunkAt - state.startedAt : state.reportedTtftMs;
      if (ttft !== undefined) attrs[ATTR.ttftMs] = Math.max(0, ttft);
      if (state.recordOutputs && event.object !== undefined)
        attrs[ATTR.outputObject] = JSON.stringify(event.object);
      if (kind === "error") attrs[ATTR.error] = errorMessage(event.error);
      else if (status === "error" && state.streamError) attrs[ATTR.error] = state.streamError;
      if (status !== "complete" && state.recordOutputs && hasPartial(state.partial)) {
        attrs[ATTR.partialOutput] = JSON.stringify(partialMessages(state.partial, status));
      }
      state.root?.setAttributes(attrs);
    } catch (error) {
      this.deps.log.once("end", "warn", `could not annotate a generation's end: ${errorMessage(error)}`);
    }
    return outcome;
  }

  private finished(state: CallState, outcome: CostOutcome | undefined): void {
    state.ended = true;
    this.states.delete(state.callId);
    try {
      this.deps.onFinished(state, outcome ?? { kind: "unknown" });
    } catch (error) {
      this.deps.log.once("finished", "warn", `a generation listener failed: ${errorMessage(error)}`);
    }
  }
}
