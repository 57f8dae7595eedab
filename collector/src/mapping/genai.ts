import type { Message, Operation } from "@genledger/core";
import type { Attributes, DecodedSpan } from "../otlp/types.ts";
import { readJson, readNumber, readString, readStringArray } from "./attributes.ts";
import {
  applyGenledger,
  baseGeneration,
  clip,
  errorOf,
  finalStatus,
  generationIdOf,
  type MapContext,
  operationOf,
  oversizeNote,
  partialOutput,
} from "./common.ts";
import { normalizeMessages, systemText } from "./messages.ts";
import { semconvMessages } from "./semconv-messages.ts";
import { GENAI_GENERATION_OPERATIONS } from "./tree.ts";
import { type BuiltGeneration, collectUsage, GENAI_USAGE_KEYS } from "./usage.ts";

const TTFC = "gen_ai.client.operation.time_to_first_chunk";

function operationName(span: DecodedSpan): string {
  return readString(span.attributes, "gen_ai.operation.name") ?? "";
}

/**
 * A message attribute (`gen_ai.input.messages`, ...) as messages. Text that is not JSON is kept as
 * one text part; a value over the attribute limit becomes a note part.
 */
function messagesOf(span: DecodedSpan, key: string, role: string, ctx: MapContext): Message[] | undefined {
  if (span.attributes[key] === undefined) return undefined;
  const note = oversizeNote(span, key, ctx);
  if (note !== undefined) return [{ role, parts: [{ type: "note", content: note }] }];
  const parsed = readJson(span.attributes, key);
  if (parsed.ok) return normalizeMessages(parsed.value, role);
  if (parsed.raw !== undefined) {
    ctx.notes.note(`span ${span.spanId}: ${key} is not JSON; kept as text`);
    return [{ role, parts: [{ type: "text", content: parsed.raw }] }];
  }
  return undefined;
}

function firstDefined<T>(
  spans: readonly DecodedSpan[],
  read: (span: DecodedSpan) => T | undefined,
): T | undefined {
  for (const span of spans) {
    const value = read(span);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * A generation from a GenAI semantic-convention span: the AI SDK 7 `invoke_agent` / `embeddings`
 * root with its `step`, `chat` and `execute_tool` children, or a plain `chat` / `text_completion`
 * / `generate_content` / `embeddings` span from any other emitter. The root's values come first;
 * the provider calls below it fill in what the root lacks (response model, tool definitions, time
 * to first chunk, usage for embeddings and agents whose root reports none). Returns the record
 * and whether any usage was reported at all (the record's usage defaults to 0 either way).
 */
export function buildGenAiGeneration(
  root: DecodedSpan,
  below: readonly DecodedSpan[],
  genledger: Attributes,
  ctx: MapContext,
): BuiltGeneration {
  const attrs = root.attributes;
  const generation = baseGeneration(root, generationIdOf(root, genledger), ctx);
  generation.status = finalStatus(root, genledger);

  const calls = below
    .filter(
      (span) =>
        GENAI_GENERATION_OPERATIONS.has(operationName(span)) && operationName(span) !== "invoke_agent",
    )
    .sort((a, b) =>
      a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
    );
  const first = [root, ...calls];
  const last = [root, ...[...calls].reverse()];

  const operation = operationName(root);
  const streamed = first.some((span) => readNumber(span.attributes, TTFC) !== undefined);
  const json = readString(attrs, "gen_ai.output.type") === "json";
  let fallback: Operation = "chat";
  if (operation === "embeddings") fallback = calls.length > 1 ? "embedMany" : "embed";
  else if (root.scopeName === "gen_ai" && operation === "invoke_agent") {
    if (json) fallback = streamed ? "streamObject" : "generateObject";
    else fallback = streamed ? "streamText" : "generateText";
  }
  generation.operation = operationOf(genledger, fallback);

  generation.provider = clip(
    firstDefined(
      first,
      (s) => readString(s.attributes, "gen_ai.provider.name") ?? readString(s.attributes, "gen_ai.system"),
    ) ?? "",
  );
  generation.model = clip(
    firstDefined(first, (s) => readString(s.attributes, "gen_ai.request.model")) ??
      readString(attrs, "gen_ai.response.model") ??
      "",
  );
  generation.responseModel = clip(
    firstDefined(last, (s) => readString(s.attributes, "gen_ai.response.model")) ?? "",
  );
  generation.functionId = clip(readString(attrs, "gen_ai.agent.name") ?? "", 512);
  generation.userId = clip(readString(attrs, "user.id") ?? readString(attrs, "enduser.id") ?? "", 512);
  generation.sessionId = clip(
    readString(attrs, "session.id") ?? readString(attrs, "gen_ai.conversation.id") ?? "",
    512,
  );

  // Prompt: the root's, else the first provider call's; older shapes as the last resort.
  let olderCache: ReturnType<typeof semconvMessages> | undefined;
  const older = () => {
    olderCache ??= semconvMessages(root);
    return olderCache;
  };
  const systemSpan = first.find((span) => span.attributes["gen_ai.system_instructions"] !== undefined);
  if (systemSpan !== undefined) {
    const note = oversizeNote(systemSpan, "gen_ai.system_instructions", ctx);
    const system = readJson(systemSpan.attributes, "gen_ai.system_instructions");
    generation.prompt.system =
      note ??
      (system.ok
        ? systemText(system.value)
        : (readString(systemSpan.attributes, "gen_ai.system_instructions") ?? ""));
  } else if (!first.some((span) => span.attributes["gen_ai.input.messages"] !== undefined)) {
    generation.prompt.system = older().system;
  }
  generation.prompt.messages =
    firstDefined(first, (s) => messagesOf(s, "gen_ai.input.messages", "user", ctx)) ?? older().input;
  const tools = firstDefined(first, (s) => {
    const parsed = readJson(s.attributes, "gen_ai.tool.definitions");
    return parsed.ok && Array.isArray(parsed.value) ? parsed.value : undefined;
  });
  if (tools !== undefined) generation.prompt.tools = tools;

  generation.output.messages =
    firstDefined(last, (s) => messagesOf(s, "gen_ai.output.messages", "assistant", ctx)) ?? older().output;
  const finish = firstDefined(last, (s) =>
    readStringArray(s.attributes, "gen_ai.response.finish_reasons")?.at(-1),
  );
  generation.finishReason = clip(finish ?? generation.output.messages.at(-1)?.finish_reason ?? "", 64);

  // Usage: the root's when it has any, else the sum of its provider calls.
  const usage = collectUsage(generation.usage, root, calls, GENAI_USAGE_KEYS, genledger, ctx);

  // Time to first token as the user saw it: from the start of the call to the first chunk.
  const firstChunk = first.find((span) => readNumber(span.attributes, TTFC) !== undefined);
  if (firstChunk !== undefined) {
    const offsetMs = Number(firstChunk.startTimeUnixNano - root.startTimeUnixNano) / 1e6;
    generation.ttftMs = Math.max(
      0,
      Math.round(offsetMs + (readNumber(firstChunk.attributes, TTFC) ?? 0) * 1000),
    );
  }

  applyGenledger(generation, genledger, root, ctx);

  if (json && generation.output.object === undefined) {
    const text = generation.output.messages
      .flatMap((message) => message.parts)
      .find((part) => part.type === "text" && typeof part.content === "string")?.content;
    if (typeof text === "string") {
      try {
        generation.output.object = JSON.parse(text);
      } catch {
        // Not JSON after all (a truncated stream): the text part keeps it.
      }
    }
  }
  if (generation.status !== "complete") {
    generation.error = errorOf([root, ...below], genledger);
    if (generation.output.messages.length === 0) generation.output.messages = partialOutput(genledger) ?? [];
  }
  return { generation, usage };
}
