import type { GenerationSummary, StoredSpan } from "@genledger/clickhouse";
import type { Generation } from "@genledger/core";

/** How much text a hidden-text role would have seen, so the page can say what is withheld. */
export interface HiddenText {
  promptMessages: number;
  outputMessages: number;
  hasSystem: boolean;
  hasObject: boolean;
  tools: number;
}

/**
 * Removes prompt and output bodies for roles that may not read them. Runs in the loader, so the text
 * never reaches the browser.
 */
export function redactGeneration(generation: Generation): { generation: Generation; hidden: HiddenText } {
  const hidden: HiddenText = {
    promptMessages: generation.prompt.messages.length,
    outputMessages: generation.output.messages.length,
    hasSystem: generation.prompt.system !== "",
    hasObject: generation.output.object !== undefined,
    tools: generation.prompt.tools.length,
  };
  return {
    generation: {
      ...generation,
      prompt: { system: "", messages: [], tools: [] },
      output: { messages: [], embeddings: generation.output.embeddings },
    },
    hidden,
  };
}

/** A list row without its text previews. */
export function redactSummary<T extends Pick<GenerationSummary, "promptPreview" | "outputPreview">>(
  summary: T,
): T {
  return { ...summary, promptPreview: "", outputPreview: "" };
}

// Span attributes a hidden-text role may see: identifiers, models, usage, cost, timing, finish reasons.
const SAFE_ATTRIBUTE =
  /^(genledger\.(generation\.id|status|operation|user\.id|session\.id|function\.id|tags|provider|model|cost\..*|price\.entry|cache\.(hit|source_id|saved_nanos)|usage\..*|ttft_ms|pending)|gen_ai\.(operation\.name|provider\.name|system|request\.model|response\.model|response\.id|response\.finish_reasons|usage\..*|tool\.name|tool\.call\.id)|ai\.(operationId|model\.(id|provider)|usage\..*|response\.(finishReason|id|model|msToFirstChunk|msToFinish|timestamp)|telemetry\.functionId|toolCall\.(name|id))|operation\.name|resource\.name)$/;

/** Span attributes with everything that may hold prompt or output text removed. */
export function redactSpanAttributes(attributes: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (SAFE_ATTRIBUTE.test(key)) kept[key] = value;
  return kept;
}

/** Spans with their text-bearing attributes removed and the status message kept (errors are metadata). */
export function redactSpans(spans: StoredSpan[]): StoredSpan[] {
  return spans.map((span) => ({ ...span, attributes: redactSpanAttributes(span.attributes) }));
}
