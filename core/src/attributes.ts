/**
 * The `genledger.*` span attributes: what the instrumentation adds to the generation span and
 * what the collector reads. Anything not listed here comes from the OpenTelemetry GenAI semantic
 * conventions (`gen_ai.*`) or the AI SDK's legacy `ai.*` names.
 */
export const ATTR = {
  /** The generation's ID (nanoid, 21 chars), created before the provider call. */
  generationId: "genledger.generation.id",
  /** `pending` on the start marker span; a final status on the generation span. */
  status: "genledger.status",
  /** The AI SDK call: `generateText`, `streamText`, ... (see `OPERATIONS`). */
  operation: "genledger.operation",
  userId: "genledger.user.id",
  sessionId: "genledger.session.id",
  functionId: "genledger.function.id",
  /** string[] */
  tags: "genledger.tags",
  /** Prefix: `genledger.metadata.<key>` = string value. */
  metadataPrefix: "genledger.metadata.",
  provider: "genledger.provider",
  model: "genledger.model",
  costTotal: "genledger.cost.total_nanos",
  costInput: "genledger.cost.input_nanos",
  costOutput: "genledger.cost.output_nanos",
  costCacheRead: "genledger.cost.cache_read_nanos",
  costCacheWrite: "genledger.cost.cache_write_nanos",
  costReasoning: "genledger.cost.reasoning_nanos",
  costImage: "genledger.cost.image_nanos",
  /** boolean: true when no price entry matched (cost attributes then absent, never 0). */
  unpriced: "genledger.cost.unpriced",
  priceEntry: "genledger.price.entry",
  cacheHit: "genledger.cache.hit",
  cacheSourceId: "genledger.cache.source_id",
  cacheSavedNanos: "genledger.cache.saved_nanos",
  /** string[]: soft-budget warnings. */
  warnings: "genledger.warnings",
  /** number: reasoning tokens (GenAI conventions have no key for them). */
  reasoningTokens: "genledger.usage.reasoning_tokens",
  images: "genledger.usage.images",
  ttftMs: "genledger.ttft_ms",
  /** JSON: GenAI output messages received before an abort or error. */
  partialOutput: "genledger.output.partial",
  /** JSON: the structured object of generateObject/streamObject. */
  outputObject: "genledger.output.object",
  /** JSON string[]: embed/embedMany input values. */
  embedValues: "genledger.input.values",
  error: "genledger.error",
  /** Set on the short span emitted when a call starts, so a pending record exists before any output. */
  pendingMarker: "genledger.pending",
} as const;

/** Name of the short span the instrumentation emits when a generation starts. */
export const PENDING_SPAN_NAME = "genledger.generation.start";
