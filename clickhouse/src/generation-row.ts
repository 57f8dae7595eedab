import { type Generation, type GenerationStatus, Output, Prompt, statusRank } from "@genledger/core";
import { z } from "zod";
import { fromChTime, toChTime } from "./time.ts";

/** A generation without its prompt and output bodies, plus short previews: what lists show. */
export type GenerationSummary = Omit<Generation, "prompt" | "output"> & {
  /** The start of the last user message (or the system prompt), at most {@link PREVIEW_LENGTH} characters. */
  promptPreview: string;
  /** The start of the output text (or structured object), at most {@link PREVIEW_LENGTH} characters. */
  outputPreview: string;
};

/** Length of list previews. */
export const PREVIEW_LENGTH = 200;

/**
 * `version` of a stored row: the status rank first, then the write time, so the highest version is
 * the record to show (final over pending, a real outcome over `abandoned`, then the latest write).
 */
export function rowVersion(status: GenerationStatus, writtenAt: number = Date.now()): number {
  return statusRank(status) * RANK_FACTOR + writtenAt;
}

/** `version = rank * RANK_FACTOR + epoch ms`; `intDiv(version, RANK_FACTOR)` gives the rank back in SQL. */
export const RANK_FACTOR = 10_000_000_000_000;

/** The columns of `generations` that hold a Generation (everything but search text and previews). */
const BASE_COLUMNS = [
  "id",
  "project_id",
  "status",
  "operation",
  "user_id",
  "session_id",
  "function_id",
  "tags",
  "metadata",
  "provider",
  "model",
  "response_model",
  "finish_reason",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "images",
  "has_cost",
  "cost_total",
  "cost_input",
  "cost_output",
  "cost_cache_read",
  "cost_cache_write",
  "cost_reasoning",
  "cost_image",
  "unpriced",
  "price_entry",
  "cache_hit",
  "cache_source_id",
  "cost_saved_nanos",
  "warnings",
  "redactions",
  "started_at",
  "finished_at",
  "latency_ms",
  "ttft_ms",
  "trace_id",
  "span_id",
  "error",
] as const;

/**
 * The columns `record_json` (a MATERIALIZED column of `generations`) serializes. Kept in step with
 * the migration by a test.
 */
export const RECORD_COLUMNS: readonly string[] = BASE_COLUMNS;
/** Columns read for a full generation. */
export const GENERATION_COLUMNS = ["record_json", "prompt", "output"] as const;
/** Columns read for a list item. */
export const SUMMARY_COLUMNS = ["record_json", "prompt_preview", "output_preview"] as const;

/** The insert shape of a `generations` row (JSONEachRow). */
export type GenerationInsertRow = Record<string, unknown>;

/** Converts a domain record into a row; `version` ranks it against other rows of the same id. */
export function generationToRow(g: Generation, version: number, bodies = true): GenerationInsertRow {
  const promptText = textOfPrompt(g.prompt);
  const outputText = textOfOutput(g.output);
  const cost = g.cost;
  return {
    id: g.id,
    project_id: g.projectId,
    status: g.status,
    version,
    operation: g.operation,
    user_id: g.userId,
    session_id: g.sessionId,
    function_id: g.functionId,
    tags: g.tags,
    metadata: g.metadata,
    provider: g.provider,
    model: g.model,
    response_model: g.responseModel,
    ...(bodies ? { prompt: JSON.stringify(g.prompt), output: JSON.stringify(g.output) } : {}),
    prompt_text: promptText,
    output_text: outputText,
    prompt_preview: preview(previewSourceOfPrompt(g.prompt)),
    output_preview: preview(outputText),
    finish_reason: g.finishReason,
    input_tokens: g.usage.inputTokens,
    output_tokens: g.usage.outputTokens,
    cache_read_tokens: g.usage.cacheReadTokens,
    cache_write_tokens: g.usage.cacheWriteTokens,
    reasoning_tokens: g.usage.reasoningTokens,
    images: g.usage.images,
    has_cost: cost !== null,
    cost_total: cost?.total ?? 0,
    cost_input: cost?.input ?? 0,
    cost_output: cost?.output ?? 0,
    cost_cache_read: cost?.cacheRead ?? 0,
    cost_cache_write: cost?.cacheWrite ?? 0,
    cost_reasoning: cost?.reasoning ?? 0,
    cost_image: cost?.image ?? 0,
    unpriced: g.unpriced,
    price_entry: g.priceEntry,
    cache_hit: g.cacheHit,
    cache_source_id: g.cacheSourceId,
    cost_saved_nanos: g.costSavedNanos,
    warnings: g.warnings,
    redactions: g.redactions,
    started_at: toChTime(g.startedAt),
    finished_at: g.finishedAt === null ? null : toChTime(g.finishedAt),
    latency_ms: g.latencyMs,
    ttft_ms: g.ttftMs,
    trace_id: g.traceId,
    span_id: g.spanId,
    error: g.error,
  };
}

/** A generation as one JSONEachRow line of `generations` (see {@link generationToRow}). */
export function generationToLine(g: Generation, version: number): string {
  // The bodies go in as JSON objects, not as JSON text inside a JSON string: serializing them once
  // instead of escaping every quote again is the single largest saving of the insert path, and
  // ClickHouse stores an object read into a String column as its exact text
  // (input_format_json_read_objects_as_strings, set on every insert of these lines).
  const row = generationToRow(g, version, false);
  const head = JSON.stringify(row);
  return `${head.slice(0, -1)},"prompt":${JSON.stringify(g.prompt)},"output":${JSON.stringify(g.output)}}`;
}

/** Insert settings that lines of {@link generationToLine} need. */
export const LINE_SETTINGS = { input_format_json_read_objects_as_strings: 1 } as const;

/**
 * The generation a line of {@link generationToLine} holds, for tools and tests that read the
 * collector's spool. Throws on a line that is not such a row.
 */
export function lineToGeneration(line: string): Generation {
  const parsed = LineRow.safeParse(JSON.parse(line));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`generation line: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const row = parsed.data;
  // Lines of generationToRow carry the bodies as JSON text, lines of generationToLine as objects.
  const body = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
  return {
    ...baseToDomain(row),
    prompt: Prompt.parse(body(row.prompt)),
    output: Output.parse(body(row.output)),
  };
}

// ClickHouse sends UInt64 as JSON strings (output_format_json_quote_64bit_integers = 1). The schemas
// stay plain (no unions or transforms, ~7x cheaper per row); the converters do the conversion.
const u64 = z.string();
const time = z.string();

/** The object inside `record_json`. */
const BaseRow = z.object({
  id: z.string(),
  project_id: z.string(),
  status: z.enum(["pending", "abandoned", "complete", "error", "aborted"]),
  operation: z.string(),
  user_id: z.string(),
  session_id: z.string(),
  function_id: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  provider: z.string(),
  model: z.string(),
  response_model: z.string(),
  finish_reason: z.string(),
  input_tokens: u64,
  output_tokens: u64,
  cache_read_tokens: u64,
  cache_write_tokens: u64,
  reasoning_tokens: u64,
  images: u64,
  has_cost: z.boolean(),
  cost_total: u64,
  cost_input: u64,
  cost_output: u64,
  cost_cache_read: u64,
  cost_cache_write: u64,
  cost_reasoning: u64,
  cost_image: u64,
  unpriced: z.boolean(),
  price_entry: z.string(),
  cache_hit: z.boolean(),
  cache_source_id: z.string(),
  cost_saved_nanos: u64,
  warnings: z.array(z.string()),
  redactions: z.array(z.string()),
  started_at: time,
  finished_at: time.nullable(),
  latency_ms: z.number().int().nullable(),
  ttft_ms: z.number().int().nullable(),
  trace_id: z.string(),
  span_id: z.string(),
  error: z.string().nullable(),
});

/** A generation line as the collector spools it: the `record_json` fields, UInt64 as numbers, and the bodies. */
const n = z.number();
const LineRow = BaseRow.extend({
  input_tokens: n,
  output_tokens: n,
  cache_read_tokens: n,
  cache_write_tokens: n,
  reasoning_tokens: n,
  images: n,
  cost_total: n,
  cost_input: n,
  cost_output: n,
  cost_cache_read: n,
  cost_cache_write: n,
  cost_reasoning: n,
  cost_image: n,
  cost_saved_nanos: n,
  prompt: z.unknown(),
  output: z.unknown(),
});

/** A `generations` row as read by getGeneration. */
export const GenerationRow = z.object({ record_json: z.string(), prompt: z.string(), output: z.string() });
/** A `generations` row as read by listGenerations. */
export const SummaryRow = z.object({
  record_json: z.string(),
  prompt_preview: z.string(),
  output_preview: z.string(),
});

/** Row to domain record. Bodies removed by the text retention TTL come back empty. */
export function rowToGeneration(row: z.infer<typeof GenerationRow>): Generation {
  return {
    ...baseToDomain(parseRecord(row.record_json)),
    prompt: Prompt.parse(row.prompt ? JSON.parse(row.prompt) : {}),
    output: Output.parse(row.output ? JSON.parse(row.output) : {}),
  };
}

/** Row to list item. */
export function rowToSummary(row: z.infer<typeof SummaryRow>): GenerationSummary {
  return {
    ...baseToDomain(parseRecord(row.record_json)),
    promptPreview: row.prompt_preview,
    outputPreview: row.output_preview,
  };
}

function parseRecord(text: string): z.infer<typeof BaseRow> {
  const parsed = BaseRow.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RangeError(`record_json: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
}

/** The fields both a `record_json` object (UInt64 as strings) and a generation line (numbers) hold. */
type RecordFields = z.infer<typeof BaseRow> | z.infer<typeof LineRow>;

function baseToDomain(row: RecordFields): Omit<Generation, "prompt" | "output"> {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status,
    operation: row.operation as Generation["operation"],
    userId: row.user_id,
    sessionId: row.session_id,
    functionId: row.function_id,
    tags: row.tags,
    metadata: row.metadata,
    provider: row.provider,
    model: row.model,
    responseModel: row.response_model,
    finishReason: row.finish_reason,
    usage: {
      inputTokens: toNumber(row.input_tokens),
      outputTokens: toNumber(row.output_tokens),
      cacheReadTokens: toNumber(row.cache_read_tokens),
      cacheWriteTokens: toNumber(row.cache_write_tokens),
      reasoningTokens: toNumber(row.reasoning_tokens),
      images: toNumber(row.images),
    },
    cost: row.has_cost
      ? {
          total: toNumber(row.cost_total),
          input: toNumber(row.cost_input),
          output: toNumber(row.cost_output),
          cacheRead: toNumber(row.cost_cache_read),
          cacheWrite: toNumber(row.cost_cache_write),
          reasoning: toNumber(row.cost_reasoning),
          image: toNumber(row.cost_image),
        }
      : null,
    unpriced: row.unpriced,
    priceEntry: row.price_entry,
    cacheHit: row.cache_hit,
    cacheSourceId: row.cache_source_id,
    costSavedNanos: toNumber(row.cost_saved_nanos),
    warnings: row.warnings,
    redactions: row.redactions,
    startedAt: fromChTime(row.started_at),
    finishedAt: row.finished_at === null ? null : fromChTime(row.finished_at),
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    traceId: row.trace_id,
    spanId: row.span_id,
    error: row.error,
  };
}

/**
 * A UInt64 column value as a number. Domain counts and nano-dollar amounts are capped at 2^53 - 1
 * by the core schema, so they convert exactly; anything else is a corrupt row.
 */
export function toNumber(text: string | number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`not a safe unsigned integer: "${text}"`);
  return value;
}

/** All text sent to the model, for search: system, message text and reasoning, tool arguments, embed inputs. */
export function textOfPrompt(prompt: Prompt): string {
  const parts = [prompt.system, ...prompt.messages.map(textOfMessage), ...(prompt.values ?? [])];
  return parts.filter(Boolean).join("\n");
}

/** All text the model returned, for search: message text, tool calls, the structured object as JSON. */
export function textOfOutput(output: Output): string {
  const parts = output.messages.map(textOfMessage);
  if (output.object !== undefined) parts.push(JSON.stringify(output.object));
  return parts.filter(Boolean).join("\n");
}

function textOfMessage(message: Prompt["messages"][number]): string {
  return message.parts
    .map((part) => {
      if (typeof part.content === "string") return part.content;
      if (part.arguments !== undefined) return `${part.name ?? ""} ${stringify(part.arguments)}`.trim();
      if (part.response !== undefined) return stringify(part.response);
      return "";
    })
    .filter(Boolean)
    .join("\n");
}

function previewSourceOfPrompt(prompt: Prompt): string {
  const lastUser = [...prompt.messages].reverse().find((m) => m.role === "user");
  const text = lastUser ? textOfMessage(lastUser) : "";
  return text || prompt.values?.[0] || prompt.system || textOfPrompt(prompt);
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** At most {@link PREVIEW_LENGTH} characters with whitespace collapsed, never cutting a surrogate pair. */
export function preview(text: string): string {
  // Only the head matters, and a regex over it costs more than the whole insert of the row's text:
  // one pass over the first characters, collapsing runs of whitespace.
  let out = "";
  let pendingSpace = false;
  for (let i = 0; i < text.length && out.length <= PREVIEW_LENGTH; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) {
      out += " ";
      pendingSpace = false;
    }
    out += text[i];
  }
  if (out.length <= PREVIEW_LENGTH) return out;
  let cut = out.slice(0, PREVIEW_LENGTH - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
