import type { Message } from "@genledger/core";
import type { Attributes, DecodedSpan } from "../otlp/types.ts";
import { isNotJson, readString, toPlain, tryParseJson } from "./attributes.ts";
import { normalizeMessage, normalizeMessages, splitSystem } from "./messages.ts";

/**
 * Prompt and output in the shapes that predate `gen_ai.input.messages` / `gen_ai.output.messages`,
 * still sent by many emitters in other languages:
 * - `gen_ai.prompt` / `gen_ai.completion` attributes holding JSON messages or plain text;
 * - flattened `gen_ai.prompt.<i>.role` / `.content` (OpenLLMetry), with `gen_ai.completion.<i>.tool_calls.<j>.*`;
 * - events `gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.assistant.message`,
 *   `gen_ai.tool.message`, `gen_ai.choice`, and the older `gen_ai.content.prompt` / `gen_ai.content.completion`.
 */
export interface SemconvMessages {
  system: string;
  input: Message[];
  output: Message[];
}

function fromText(value: string, role: string): Message[] {
  const parsed = tryParseJson(value);
  if (!isNotJson(parsed) && parsed !== null && typeof parsed === "object")
    return normalizeMessages(parsed, role);
  return [{ role, parts: [{ type: "text", content: value }] }];
}

/** `prefix.<i>.<field>` (and deeper) keys grouped by index, in index order. */
function flattened(attributes: Attributes, prefix: string): Array<Record<string, unknown>> {
  const byIndex = new Map<number, Record<string, unknown>>();
  const head = `${prefix}.`;
  for (const key in attributes) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf(".");
    if (dot <= 0) continue;
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0 || index > 10_000) continue;
    let entry = byIndex.get(index);
    if (entry === undefined) {
      entry = {};
      byIndex.set(index, entry);
    }
    entry[rest.slice(dot + 1)] = toPlain(attributes[key] ?? null);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
}

function flattenedMessages(attributes: Attributes, prefix: string, role: string): Message[] {
  return flattened(attributes, prefix).map((entry) => {
    const message = normalizeMessage(
      { role: entry.role, content: entry.content ?? (entry.finish_reason === undefined ? "" : undefined) },
      role,
    );
    // gen_ai.completion.0.tool_calls.0.name / .arguments / .id
    const calls = new Map<string, Record<string, unknown>>();
    for (const [field, value] of Object.entries(entry)) {
      const match = /^tool_calls\.(\d+)\.(\w+)$/.exec(field);
      if (match === null) continue;
      const call = calls.get(match[1] as string) ?? {};
      call[match[2] as string] = value;
      calls.set(match[1] as string, call);
    }
    for (const call of calls.values()) {
      message.parts.push({
        type: "tool_call",
        id: String(call.id ?? ""),
        name: String(call.name ?? ""),
        arguments: typeof call.arguments === "string" ? parseOr(call.arguments) : call.arguments,
      });
    }
    if (typeof entry.finish_reason === "string") message.finish_reason = entry.finish_reason;
    return message;
  });
}

function parseOr(text: string): unknown {
  const parsed = tryParseJson(text);
  return isNotJson(parsed) ? text : parsed;
}

const EVENT_ROLES: Record<string, string> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};

function eventMessages(span: DecodedSpan): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  for (const event of span.events) {
    const role = EVENT_ROLES[event.name];
    if (role !== undefined) {
      const content = toPlain(event.attributes.content ?? event.attributes["gen_ai.event.content"] ?? null);
      input.push(
        normalizeMessage(
          { role, content: parseContent(content), tool_calls: toPlain(event.attributes.tool_calls ?? null) },
          role,
        ),
      );
    } else if (event.name === "gen_ai.choice") {
      const raw = toPlain(event.attributes.message ?? event.attributes["gen_ai.event.content"] ?? null);
      const message = normalizeMessage(typeof raw === "string" ? parseContent(raw) : raw, "assistant");
      const finish = readString(event.attributes, "finish_reason");
      if (finish !== undefined) message.finish_reason = finish;
      output.push(message);
    } else if (event.name === "gen_ai.content.prompt") {
      const prompt = readString(event.attributes, "gen_ai.prompt");
      if (prompt !== undefined) input.push(...fromText(prompt, "user"));
    } else if (event.name === "gen_ai.content.completion") {
      const completion = readString(event.attributes, "gen_ai.completion");
      if (completion !== undefined) output.push(...fromText(completion, "assistant"));
    }
  }
  return { input, output };
}

function parseContent(content: unknown): unknown {
  if (typeof content !== "string") return content;
  const parsed = tryParseJson(content);
  return !isNotJson(parsed) && parsed !== null && typeof parsed === "object" ? parsed : content;
}

/** The prompt and output of a span that uses one of the older shapes; empty lists when none. */
export function semconvMessages(span: DecodedSpan): SemconvMessages {
  const attributes = span.attributes;
  let input: Message[] = [];
  let output: Message[] = [];
  const prompt = readString(attributes, "gen_ai.prompt");
  if (prompt !== undefined) input = fromText(prompt, "user");
  else input = flattenedMessages(attributes, "gen_ai.prompt", "user");
  const completion = readString(attributes, "gen_ai.completion");
  if (completion !== undefined) output = fromText(completion, "assistant");
  else output = flattenedMessages(attributes, "gen_ai.completion", "assistant");
  if (input.length === 0 && output.length === 0) {
    const fromEvents = eventMessages(span);
    input = fromEvents.input;
    output = fromEvents.output;
  }
  const split = splitSystem(input);
  return { system: split.system, input: split.messages, output };
}
