import type { Message, MessagePart, Operation } from "@genledger/core";
import type { Attributes, DecodedSpan } from "../otlp/types.ts";
import {
  isNotJson,
  readJson,
  readNumber,
  readString,
  readStringArray,
  toPlain,
  tryParseJson,
} from "./attributes.ts";
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
import { modalityOf, normalizeMessages, normalizePart, splitSystem, systemText } from "./messages.ts";
import { providerNameOf } from "./provider-name.ts";
import { legacyOperation } from "./tree.ts";
import { type BuiltGeneration, collectUsage, LEGACY_USAGE_KEYS } from "./usage.ts";

function byStart(a: DecodedSpan, b: DecodedSpan): number {
  return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;
}

/** `ai.prompt`: `{ system?, prompt?, messages? }` as the caller passed it to the AI SDK. */
function promptOf(
  root: DecodedSpan,
  inner: DecodedSpan | undefined,
  ctx: MapContext,
): { system: string; messages: Message[] } {
  const note = oversizeNote(root, "ai.prompt", ctx);
  if (note !== undefined)
    return { system: "", messages: [{ role: "user", parts: [{ type: "note", content: note }] }] };
  const parsed = readJson(root.attributes, "ai.prompt");
  if (
    parsed.ok &&
    parsed.value !== null &&
    typeof parsed.value === "object" &&
    !Array.isArray(parsed.value)
  ) {
    const prompt = parsed.value as { system?: unknown; prompt?: unknown; messages?: unknown };
    const messages = [
      ...(typeof prompt.prompt === "string"
        ? [{ role: "user", parts: [{ type: "text", content: prompt.prompt }] }]
        : normalizeMessages(prompt.prompt, "user")),
      ...normalizeMessages(prompt.messages, "user"),
    ];
    const split = splitSystem(messages);
    const system = [systemText(prompt.system), split.system].filter((text) => text !== "").join("\n");
    return { system, messages: split.messages };
  }
  if (!parsed.ok && parsed.raw !== undefined) {
    return { system: "", messages: [{ role: "user", parts: [{ type: "text", content: parsed.raw }] }] };
  }
  // No outer prompt (recordInputs off on the outer span, or an older SDK): the provider-level one.
  if (inner !== undefined) {
    const innerNote = oversizeNote(inner, "ai.prompt.messages", ctx);
    if (innerNote !== undefined)
      return { system: "", messages: [{ role: "user", parts: [{ type: "note", content: innerNote }] }] };
    const messages = readJson(inner.attributes, "ai.prompt.messages");
    if (messages.ok) return splitSystem(normalizeMessages(messages.value, "user"));
  }
  return { system: "", messages: [] };
}

function parsedArray(span: DecodedSpan, key: string): unknown[] {
  const parsed = readJson(span.attributes, key);
  return parsed.ok && Array.isArray(parsed.value) ? parsed.value : [];
}

/** The assistant message of an AI SDK 5/6 call: reasoning, text, tool calls and results, files. */
function outputOf(root: DecodedSpan, tools: readonly DecodedSpan[], ctx: MapContext): Message[] {
  const parts: MessagePart[] = [];
  const reasoning = readString(root.attributes, "ai.response.reasoning");
  if (reasoning !== undefined && reasoning !== "") parts.push({ type: "reasoning", content: reasoning });
  const textNote = oversizeNote(root, "ai.response.text", ctx);
  const text = textNote ?? readString(root.attributes, "ai.response.text");
  if (text !== undefined && text !== "")
    parts.push({ type: textNote === undefined ? "text" : "note", content: text });
  for (const call of parsedArray(root, "ai.response.toolCalls"))
    parts.push(normalizePart({ type: "tool-call", ...(call as object) }));
  for (const tool of tools) {
    const result = readJson(tool.attributes, "ai.toolCall.result");
    parts.push({
      type: "tool_call_response",
      id: readString(tool.attributes, "ai.toolCall.id") ?? "",
      name: readString(tool.attributes, "ai.toolCall.name") ?? "",
      response: result.ok ? result.value : (readString(tool.attributes, "ai.toolCall.result") ?? null),
    });
  }
  for (const file of parsedArray(root, "ai.response.files")) {
    const entry = (file ?? {}) as {
      mediaType?: unknown;
      mimeType?: unknown;
      data?: unknown;
      base64?: unknown;
    };
    const mimeType = String(entry.mediaType ?? entry.mimeType ?? "application/octet-stream");
    const data = entry.data ?? entry.base64;
    parts.push(
      typeof data === "string"
        ? { type: "blob", modality: modalityOf(mimeType), mime_type: mimeType, content: data }
        : normalizePart({ type: "file", mediaType: mimeType, data }),
    );
  }
  return parts.length === 0 ? [] : [{ role: "assistant", parts }];
}

/** `ai.value` / `ai.values`: JSON-encoded embed inputs. */
function embedValues(root: DecodedSpan): string[] | undefined {
  const many = readStringArray(root.attributes, "ai.values");
  const one = readString(root.attributes, "ai.value");
  const raw = many ?? (one === undefined ? undefined : [one]);
  if (raw === undefined) return undefined;
  return raw.map((item) => {
    const parsed = tryParseJson(item);
    return typeof parsed === "string" ? parsed : isNotJson(parsed) ? item : JSON.stringify(parsed);
  });
}

/**
 * A generation from AI SDK 5/6 spans (`LegacyOpenTelemetry` in AI SDK 7): the outer
 * `ai.generateText` / `ai.streamText` / `ai.generateObject` / `ai.streamObject` / `ai.embed` /
 * `ai.embedMany` span, with its `doGenerate` / `doStream` / `doEmbed` calls and `ai.toolCall` spans.
 * Returns the record and whether any usage was reported at all.
 */
export function buildLegacyGeneration(
  root: DecodedSpan,
  below: readonly DecodedSpan[],
  genledger: Attributes,
  ctx: MapContext,
): BuiltGeneration {
  const attrs = root.attributes;
  const generation = baseGeneration(root, generationIdOf(root, genledger), ctx);
  generation.status = finalStatus(root, genledger);
  const operation = legacyOperation(root);
  const inner = below.filter((span) => legacyOperation(span).startsWith(`${operation}.do`)).sort(byStart);
  const tools = below.filter((span) => legacyOperation(span) === "ai.toolCall").sort(byStart);
  generation.operation = operationOf(genledger, operation.slice(3) as Operation);

  const provider =
    readString(attrs, "ai.model.provider") ??
    inner.map((s) => readString(s.attributes, "ai.model.provider")).find(Boolean);
  generation.provider = clip(providerNameOf(provider ?? ""));
  generation.model = clip(
    readString(attrs, "ai.model.id") ?? readString(attrs, "gen_ai.request.model") ?? "",
  );
  const responseModel = [...inner]
    .reverse()
    .map(
      (s) =>
        readString(s.attributes, "ai.response.model") ?? readString(s.attributes, "gen_ai.response.model"),
    )
    .find((value) => value !== undefined);
  generation.responseModel = clip(responseModel ?? "");
  generation.functionId = clip(readString(attrs, "ai.telemetry.functionId") ?? "", 512);
  for (const key in attrs) {
    if (key.startsWith("ai.telemetry.metadata.")) {
      const value = attrs[key];
      generation.metadata[key.slice("ai.telemetry.metadata.".length)] =
        typeof value === "string" ? value : JSON.stringify(toPlain(value ?? null));
    }
  }
  generation.userId = clip(generation.metadata.userId ?? "", 512);
  generation.sessionId = clip(generation.metadata.sessionId ?? "", 512);

  const prompt = promptOf(root, inner[0], ctx);
  generation.prompt.system = prompt.system;
  generation.prompt.messages = prompt.messages;
  const toolDefinitions = inner
    .map((span) => readStringArray(span.attributes, "ai.prompt.tools"))
    .find((list) => list !== undefined);
  if (toolDefinitions !== undefined) {
    generation.prompt.tools = toolDefinitions.map((definition) => {
      const parsed = tryParseJson(definition);
      return isNotJson(parsed) ? definition : parsed;
    });
  }
  const values = embedValues(root);
  if (values !== undefined) generation.prompt.values = values;

  generation.output.messages = outputOf(root, tools, ctx);
  const object = readJson(attrs, "ai.response.object");
  if (object.ok) generation.output.object = object.value;
  const embeddings = readStringArray(attrs, "ai.embeddings");
  if (embeddings !== undefined) generation.output.embeddings = embeddings.length;
  else if (attrs["ai.embedding"] !== undefined) generation.output.embeddings = 1;
  generation.finishReason = clip(readString(attrs, "ai.response.finishReason") ?? "", 64);

  const usage = collectUsage(generation.usage, root, inner, LEGACY_USAGE_KEYS, genledger, ctx);

  const stream = inner[0];
  if (stream !== undefined) {
    const firstChunk = stream.events.find((event) => event.name === "ai.stream.firstChunk");
    const msToFirstChunk = readNumber(stream.attributes, "ai.response.msToFirstChunk");
    if (firstChunk !== undefined && firstChunk.timeUnixNano >= root.startTimeUnixNano) {
      generation.ttftMs = Math.round(Number(firstChunk.timeUnixNano - root.startTimeUnixNano) / 1e6);
    } else if (msToFirstChunk !== undefined) {
      const offsetMs = Number(stream.startTimeUnixNano - root.startTimeUnixNano) / 1e6;
      generation.ttftMs = Math.max(0, Math.round(offsetMs + msToFirstChunk));
    }
  }

  applyGenledger(generation, genledger, root, ctx);
  if (generation.status !== "complete") {
    generation.error = errorOf([root, ...below], genledger);
    if (generation.output.messages.length === 0) generation.output.messages = partialOutput(genledger) ?? [];
  }
  return { generation, usage };
}
