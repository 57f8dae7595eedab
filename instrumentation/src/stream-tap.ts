import type { CallState } from "./call-state.ts";
import { errorMessage } from "./log.ts";

/** Notes what one provider stream part says about the generation (first output, partial output, errors). */
function observe(state: CallState, part: unknown): void {
  if (!part || typeof part !== "object") return;
  const p = part as {
    type?: unknown;
    delta?: unknown;
    error?: unknown;
    toolCallId?: unknown;
    toolName?: unknown;
    input?: unknown;
  };
  switch (p.type) {
    case "text-delta":
      state.firstChunkAt ??= Date.now();
      if (typeof p.delta === "string") state.partial.text += p.delta;
      break;
    case "reasoning-delta":
      state.firstChunkAt ??= Date.now();
      if (typeof p.delta === "string") state.partial.reasoning += p.delta;
      break;
    case "tool-input-start":
    case "file":
      state.firstChunkAt ??= Date.now();
      break;
    case "tool-call":
      state.firstChunkAt ??= Date.now();
      state.partial.toolCalls.push({
        id: String(p.toolCallId ?? ""),
        name: String(p.toolName ?? ""),
        arguments: typeof p.input === "string" ? p.input : JSON.stringify(p.input ?? null),
      });
      break;
    case "error":
      state.streamError ??= errorMessage(p.error);
      break;
  }
}

/**
 * Puts a pass-through tap on a provider stream result (`{ stream, ... }`) so that what arrived is
 * known if the stream is aborted or fails: the AI SDK records no partial output itself. The parts
 * go on unchanged; a non-stream result is left alone.
 */
export function tapProviderStream(result: unknown, state: CallState): void {
  if (!result || typeof result !== "object") return;
  const holder = result as { stream?: unknown };
  const source = holder.stream;
  if (!(source instanceof ReadableStream)) return;
  const tapped = source.pipeThrough(
    new TransformStream<unknown, unknown>({
      transform(part, controller) {
        try {
          observe(state, part);
        } catch {
          // Observing must never disturb the stream.
        }
        controller.enqueue(part);
      },
    }),
  );
  try {
    holder.stream = tapped;
  } catch {
    // A frozen result: the generation is recorded without partial output.
  }
}
