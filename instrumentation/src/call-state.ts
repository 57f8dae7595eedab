import type { Operation } from "@genledger/core";
import type { Span } from "@opentelemetry/api";

/** What a stream delivered before it stopped, kept to record an aborted or failed generation. */
export interface PartialOutput {
  text: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
}

/** Facts the dedupe middleware reports about a generation it served from the cache. */
export interface CacheFacts {
  sourceId: string;
  /** What the original generation cost; undefined when it was unpriced. */
  savedNanos: number | undefined;
}

/** One generation in flight: everything the hooks learn between its start and its end. */
export interface CallState {
  callId: string;
  id: string;
  operation: Operation;
  /** Provider id as the model reports it (`openai.chat`). */
  provider: string;
  /** The model asked for. */
  modelId: string;
  userId: string | undefined;
  sessionId: string | undefined;
  tags: string[] | undefined;
  functionId: string | undefined;
  metadata: Record<string, string> | undefined;
  recordInputs: boolean;
  recordOutputs: boolean;
  /** Epoch ms. */
  startedAt: number;
  /** The generation span (`invoke_agent ...`, `embeddings ...`, `generate_image ...`). */
  root: Span | undefined;
  responseModel: string | undefined;
  responseId: string | undefined;
  /** Epoch ms of the first output chunk of a stream. */
  firstChunkAt: number | undefined;
  /** Time to first chunk reported by the SDK (streamObject), ms. */
  reportedTtftMs: number | undefined;
  partial: PartialOutput;
  /** Message of an error chunk seen in a stream. */
  streamError: string | undefined;
  /** Notes for `genledger.warnings` added by middleware (soft budgets). */
  warnings: string[];
  cache: CacheFacts | undefined;
  ended: boolean;
}

/** A new, empty partial output. */
export function emptyPartial(): PartialOutput {
  return { text: "", reasoning: "", toolCalls: [] };
}

/** True when a stream delivered anything. */
export function hasPartial(partial: PartialOutput): boolean {
  return partial.text !== "" || partial.reasoning !== "" || partial.toolCalls.length > 0;
}

/** The partial output as GenAI-convention output messages (`genledger.output.partial`). */
export function partialMessages(partial: PartialOutput, finishReason: string): unknown[] {
  const parts: unknown[] = [];
  if (partial.reasoning) parts.push({ type: "reasoning", content: partial.reasoning });
  if (partial.text) parts.push({ type: "text", content: partial.text });
  for (const call of partial.toolCalls) {
    let args: unknown = call.arguments;
    try {
      args = JSON.parse(call.arguments);
    } catch {
      // keep the raw text
    }
    parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: args });
  }
  return [{ role: "assistant", parts, finish_reason: finishReason }];
}

/** What a new generation starts from. */
export interface CallStart {
  callId: string;
  operation: Operation;
  provider: string;
  modelId: string;
  /** The settled ID and context (`resolveCallContext`). */
  context: {
    id: string;
    userId?: string;
    sessionId?: string;
    tags?: string[];
    functionId?: string;
    metadata?: Record<string, string>;
  };
  recordInputs?: boolean;
  recordOutputs?: boolean;
}

/** A fresh state for a generation that starts now. */
export function newCallState(start: CallStart): CallState {
  const c = start.context;
  return {
    callId: start.callId,
    id: c.id,
    operation: start.operation,
    provider: start.provider,
    modelId: start.modelId,
    userId: c.userId,
    sessionId: c.sessionId,
    tags: c.tags,
    functionId: c.functionId,
    metadata: c.metadata,
    recordInputs: start.recordInputs !== false,
    recordOutputs: start.recordOutputs !== false,
    startedAt: Date.now(),
    root: undefined,
    responseModel: undefined,
    responseId: undefined,
    firstChunkAt: undefined,
    reportedTtftMs: undefined,
    partial: emptyPartial(),
    streamError: undefined,
    warnings: [],
    cache: undefined,
    ended: false,
  };
}
