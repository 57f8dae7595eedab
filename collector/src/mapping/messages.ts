import type { Message, MessagePart } from "@genledger/core";

/**
 * Normalization of the message shapes that reach the collector into the GenAI convention
 * `{ role, parts: [{ type, ... }] }`:
 * - GenAI semantic conventions (`gen_ai.input.messages`, AI SDK 7): already `{ role, parts }`;
 * - older conventions and most SDKs: `{ role, content: "text" }`;
 * - AI SDK 5/6 `ai.prompt` / `ai.prompt.messages`: `{ role, content: [{ type: "text", text }, { type: "image", image }, { type: "tool-call", ... }] }`.
 * Everything is kept; fields the record schema types strictly (`id`, `name`, `mime_type`, `size`,
 * ...) are coerced so that a wrong type cannot make the record invalid.
 */

type Json = Record<string, unknown>;

const STRING_FIELDS = ["id", "name", "modality", "mime_type", "uri", "file_id"] as const;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** `image/png` -> `image`; GenAI modalities are image, audio and video, anything else is a file. */
export function modalityOf(mimeType: string): string {
  const top = mimeType.split("/")[0]?.toLowerCase() ?? "";
  return top === "image" || top === "audio" || top === "video" ? top : "file";
}

/** A part from AI SDK 5/6 provider-neutral content, or an already GenAI-shaped part. */
export function normalizePart(raw: unknown): MessagePart {
  if (!isObject(raw)) return { type: "text", content: text(raw) };
  const type = typeof raw.type === "string" ? raw.type : "text";
  switch (type) {
    case "text":
      if (raw.content === undefined && typeof raw.text === "string")
        return { type: "text", content: raw.text };
      break;
    case "reasoning":
      if (raw.content === undefined && typeof raw.text === "string")
        return { type: "reasoning", content: raw.text };
      break;
    case "image":
      return fileLike(raw.image, text(raw.mediaType ?? raw.mimeType) || "image/*");
    case "file":
      if (raw.file_id === undefined && (raw.data !== undefined || raw.mediaType !== undefined)) {
        return fileLike(
          raw.data,
          text(raw.mediaType ?? raw.mimeType) || "application/octet-stream",
          raw.filename,
        );
      }
      break;
    case "tool-call":
      return {
        type: "tool_call",
        id: text(raw.toolCallId),
        name: text(raw.toolName),
        arguments: parseMaybeJson(raw.input ?? raw.args),
      };
    case "tool-result":
      return {
        type: "tool_call_response",
        id: text(raw.toolCallId),
        name: text(raw.toolName),
        response: unwrapToolOutput(raw.output ?? raw.result),
      };
  }
  const part: MessagePart = { ...raw, type };
  for (const field of STRING_FIELDS) {
    if (part[field] !== undefined && typeof part[field] !== "string") part[field] = text(part[field]);
  }
  if (part.size !== undefined && !(Number.isSafeInteger(part.size) && part.size >= 0)) delete part.size;
  return part;
}

/** AI SDK image/file data: base64 becomes a `blob` part, a URL a `uri` part. */
function fileLike(data: unknown, mimeType: string, filename?: unknown): MessagePart {
  let value = data;
  if (isObject(value)) {
    // AI SDK 7 file data: { type: "data", data } | { type: "url", url } | { type: "reference", ... }
    if (typeof value.data === "string") value = value.data;
    else if (typeof value.url === "string") value = value.url;
  }
  const modality = modalityOf(mimeType);
  const extra: Json = typeof filename === "string" ? { name: filename } : {};
  if (typeof value === "string") {
    if (/^(?:https?|gs|s3|file):\/\//i.test(value) || value.startsWith("data:")) {
      return { type: "uri", modality, mime_type: mimeType, uri: value, ...extra };
    }
    return { type: "blob", modality, mime_type: mimeType, content: value, ...extra };
  }
  return { type: "file", modality, mime_type: mimeType, content: data, ...extra };
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** AI SDK 5+ tool outputs are `{ type: "json" | "text", value }`: keep the value. */
function unwrapToolOutput(output: unknown): unknown {
  if (isObject(output) && (output.type === "json" || output.type === "text") && "value" in output)
    return output.value;
  return output;
}

/** One message in any of the shapes above. `defaultRole` applies when there is none. */
export function normalizeMessage(raw: unknown, defaultRole: string): Message {
  if (!isObject(raw)) return { role: defaultRole, parts: [normalizePart(raw)] };
  const role = typeof raw.role === "string" && raw.role !== "" ? raw.role : defaultRole;
  let parts: MessagePart[];
  if (Array.isArray(raw.parts)) parts = raw.parts.map(normalizePart);
  else if (Array.isArray(raw.content)) parts = raw.content.map(normalizePart);
  else if (raw.content !== undefined && raw.content !== null)
    parts = [{ type: "text", content: text(raw.content) }];
  else parts = [];
  if (Array.isArray(raw.tool_calls)) {
    // OpenAI-style assistant messages: { role, content, tool_calls: [{ id, function: { name, arguments } }] }.
    for (const call of raw.tool_calls) {
      if (!isObject(call)) continue;
      const fn = isObject(call.function) ? call.function : call;
      parts.push({
        type: "tool_call",
        id: text(call.id),
        name: text(fn.name),
        arguments: parseMaybeJson(fn.arguments),
      });
    }
  }
  const message: Message = { role, parts };
  const finish = raw.finish_reason ?? raw.finishReason;
  if (typeof finish === "string") message.finish_reason = finish;
  return message;
}

/** A list of messages from an array, a single message, or text. */
export function normalizeMessages(raw: unknown, defaultRole: string): Message[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw.map((item) => normalizeMessage(item, defaultRole));
  if (isObject(raw) && Array.isArray(raw.messages)) return normalizeMessages(raw.messages, defaultRole);
  return [normalizeMessage(raw, defaultRole)];
}

/** System instructions (`gen_ai.system_instructions`: parts, or text) as one text. */
export function systemText(raw: unknown): string {
  if (raw === undefined || raw === null) return "";
  if (typeof raw === "string") return raw;
  if (Array.isArray(raw)) {
    return raw
      .map((item) => (isObject(item) ? text(item.content ?? item.text ?? "") : text(item)))
      .filter((item) => item !== "")
      .join("\n");
  }
  if (isObject(raw)) return text(raw.content ?? raw.text ?? raw);
  return text(raw);
}

/**
 * Moves `system` messages out of a message list into system text (AI SDK 5/6 prompts carry the
 * system prompt as a message; the record keeps it in `prompt.system`).
 */
export function splitSystem(messages: Message[]): { system: string; messages: Message[] } {
  const system: string[] = [];
  const rest: Message[] = [];
  for (const message of messages) {
    if (message.role === "system") {
      system.push(
        message.parts
          .map((part) => (typeof part.content === "string" ? part.content : text(part.content)))
          .join("\n"),
      );
    } else {
      rest.push(message);
    }
  }
  return { system: system.join("\n"), messages: rest };
}
