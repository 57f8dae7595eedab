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
 * A pass-through copy of `source` that shows each part to `onPart` and calls `onDone` once the
 * source is exhausted. Pull-based, a few times cheaper per part than `pipeThrough` with a
 * TransformStream; cancellation and errors pass through.
 */
export function tapStream<T>(
  source: ReadableStream<T>,
  onPart: (part: T) => void,
  onDone?: () => void,
): ReadableStream<T> {
  const reader = source.getReader();
  return new ReadableStream<T>(
    {
      pull(controller) {
        return reader.read().then(({ done, value }) => {
          if (done) {
            controller.close();
            onDone?.();
            return;
          }
          try {
            onPart(value);
          } catch {
            // Observing must never disturb the stream.
          }
          controller.enqueue(value);
        });
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Puts a tap on a provider stream result (`{ stream, ... }`) so that what arrived is known if the
 * stream is aborted or fails: the AI SDK records no partial output itself. The parts go on
 * unchanged; a non-stream result is left alone.
 */
export function tapProviderStream(result: unknown, state: CallState): void {
  if (!result || typeof result !== "object") return;
  const holder = result as { stream?: unknown };
  const source = holder.stream;
  if (!(source instanceof ReadableStream)) return;
  const tapped = tapStream(source, (part) => observe(state, part));
  try {
    holder.stream = tapped;
  } catch {
    // A frozen result: the generation is recorded without partial output.
  }
}
