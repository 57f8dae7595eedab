import { z } from "zod";

/**
 * Lifecycle of a generation. `pending` is written when the call starts; the others are final,
 * except `abandoned`, which the collector assigns to a pending record whose final span never came
 * (a later final record still wins over it).
 */
export const GENERATION_STATUSES = ["pending", "complete", "error", "aborted", "abandoned"] as const;
/** One of {@link GENERATION_STATUSES}. */
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/** The AI SDK call that produced a generation. */
export const OPERATIONS = [
  "generateText",
  "streamText",
  "generateObject",
  "streamObject",
  "embed",
  "embedMany",
  "generateImage",
  "chat",
  "unknown",
] as const;
/** One of {@link OPERATIONS}. */
export type Operation = (typeof OPERATIONS)[number];

/**
 * A part of a message, in the OpenTelemetry GenAI semantic-convention shape that AI SDK 7 emits
 * (`text`, `reasoning`, `tool_call`, `tool_call_response`, `blob`, `uri`, `file`). After the
 * collector moved a blob's bytes to object storage the part becomes
 * `{ type: "file", modality, mime_type, file_id: "sha256:<hex>", size }`.
 * Unknown part types are kept as they came.
 */
export const MessagePart = z
  .object({
    type: z.string(),
    content: z.unknown().optional(),
    id: z.string().optional(),
    name: z.string().optional(),
    arguments: z.unknown().optional(),
    response: z.unknown().optional(),
    modality: z.string().optional(),
    mime_type: z.string().optional(),
    uri: z.string().optional(),
    file_id: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
  })
  .passthrough();
/** See {@link MessagePart}. */
export type MessagePart = z.infer<typeof MessagePart>;

/** A chat message: `{ role, parts }`, as in `gen_ai.input.messages` / `gen_ai.output.messages`. */
export const Message = z
  .object({
    role: z.string(),
    parts: z.array(MessagePart),
    finish_reason: z.string().optional(),
  })
  .passthrough();
/** See {@link Message}. */
export type Message = z.infer<typeof Message>;

/** Everything sent to the model. */
export const Prompt = z.object({
  /** System instructions as text, or "" when none. */
  system: z.string().default(""),
  messages: z.array(Message).default([]),
  /** Tool definitions as the provider received them (`gen_ai.tool.definitions`). */
  tools: z.array(z.unknown()).default([]),
  /** Inputs of embed/embedMany calls. */
  values: z.array(z.string()).optional(),
});
/** See {@link Prompt}. */
export type Prompt = z.infer<typeof Prompt>;

/** Everything the model returned (or, for an abort, what had arrived). */
export const Output = z.object({
  messages: z.array(Message).default([]),
  /** The structured object of generateObject/streamObject, parsed. */
  object: z.unknown().optional(),
  /** Number of vectors returned by embed/embedMany. */
  embeddings: z.number().int().nonnegative().optional(),
});
/** See {@link Output}. */
export type Output = z.infer<typeof Output>;

const tokenCount = z.number().int().nonnegative().max(10_000_000_000);

/** Token usage. `inputTokens` includes cached reads and writes; `outputTokens` includes reasoning. */
export const Usage = z.object({
  inputTokens: tokenCount.default(0),
  outputTokens: tokenCount.default(0),
  cacheReadTokens: tokenCount.default(0),
  cacheWriteTokens: tokenCount.default(0),
  reasoningTokens: tokenCount.default(0),
  images: tokenCount.default(0),
});
/** See {@link Usage}. */
export type Usage = z.infer<typeof Usage>;

const nanos = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Cost in integer nano-dollars (1e-9 USD), with its parts. The parts add up to `total`. */
export const Cost = z.object({
  total: nanos,
  input: nanos.default(0),
  output: nanos.default(0),
  cacheRead: nanos.default(0),
  cacheWrite: nanos.default(0),
  reasoning: nanos.default(0),
  image: nanos.default(0),
});
/** See {@link Cost}. */
export type Cost = z.infer<typeof Cost>;

/**
 * One generation: one AI SDK call. The domain shape (camelCase); the ClickHouse package converts it
 * to and from rows. `cost` is null exactly when `unpriced` is true or the status is pending.
 */
export const Generation = z.object({
  id: z.string().min(1).max(128),
  projectId: z.string().min(1).max(128),
  status: z.enum(GENERATION_STATUSES),
  operation: z.enum(OPERATIONS).default("unknown"),
  userId: z.string().max(512).default(""),
  sessionId: z.string().max(512).default(""),
  functionId: z.string().max(512).default(""),
  tags: z.array(z.string().max(256)).max(64).default([]),
  metadata: z.record(z.string(), z.string()).default({}),
  provider: z.string().max(256).default(""),
  /** The model asked for. */
  model: z.string().max(256).default(""),
  /** The model that answered (`gen_ai.response.model`), "" when not reported. */
  responseModel: z.string().max(256).default(""),
  prompt: Prompt.default({ system: "", messages: [], tools: [] }),
  output: Output.default({ messages: [] }),
  finishReason: z.string().max(64).default(""),
  usage: Usage.default({
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    images: 0,
  }),
  cost: Cost.nullable().default(null),
  unpriced: z.boolean().default(false),
  /** ID of the price entry used (`openai/gpt-4o@2024-08-06`), "" when unpriced. */
  priceEntry: z.string().max(256).default(""),
  cacheHit: z.boolean().default(false),
  /** For a cache hit: the generation whose result was served. */
  cacheSourceId: z.string().max(128).default(""),
  /** For a cache hit: what the call would have cost, in nano-dollars. */
  costSavedNanos: nanos.default(0),
  /** Soft-budget warnings and similar notes attached by the instrumentation. */
  warnings: z.array(z.string()).default([]),
  /** Names of the PII redaction rules that fired on this record. */
  redactions: z.array(z.string()).default([]),
  startedAt: z.coerce.date(),
  finishedAt: z.coerce.date().nullable().default(null),
  latencyMs: z.number().int().nonnegative().nullable().default(null),
  /** Time to first token of a stream, in ms; null when not streamed. */
  ttftMs: z.number().int().nonnegative().nullable().default(null),
  traceId: z.string().max(64).default(""),
  spanId: z.string().max(32).default(""),
  error: z.string().nullable().default(null),
});
/** See {@link Generation}. */
export type Generation = z.infer<typeof Generation>;
/** The input shape of {@link Generation}, with defaults optional. */
export type GenerationInput = z.input<typeof Generation>;

/** True for every status after which a generation does not change (all but `pending`). */
export function isFinalStatus(status: GenerationStatus): boolean {
  return status !== "pending";
}

/**
 * Precedence between two records of the same generation: a higher rank replaces a lower one.
 * A final record always beats `pending`; a real outcome beats `abandoned`, whatever the arrival order.
 */
export function statusRank(status: GenerationStatus): number {
  if (status === "pending") return 0;
  if (status === "abandoned") return 1;
  return 2;
}
