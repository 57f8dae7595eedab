import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { APICallError } from "@ai-sdk/provider";
import { MockEmbeddingModelV4, MockImageModelV4, MockLanguageModelV4 } from "ai/test";
import { pause } from "./clock.ts";
import { tinyPng } from "./png.ts";
import type { Random } from "./random.ts";

/**
 * The provider side of the simulation: AI SDK mock models (`ai/test`) that answer what a script
 * says, with token counts derived from the real prompt and text, realistic latency, cache reads,
 * reasoning, tool calls, provider errors and abortable streams. Nothing here talks to a provider.
 */

/** A model the demo pretends to call. `provider` is the AI SDK provider id (`openai.chat`). */
export interface ModelSpec {
  provider: string;
  modelId: string;
  /** Median time to first token, ms. */
  ttftMs: number;
  /** Output speed, tokens per second. */
  tokensPerSecond: number;
  /** Whether the provider reports prompt-cache reads. */
  promptCache: boolean;
  /** Reasoning tokens per output token (0 for non-reasoning models). */
  reasoningRatio: number;
}

/** What one call's model does. */
export interface Script {
  /** The answer text. */
  text: string;
  /** Tool calls to make on the first step (the next step answers with `text`). */
  toolCalls?: Array<{ toolName: string; input: unknown }>;
  /** Provider failure instead of an answer. */
  failure?: { statusCode: number; message: string };
  /** Fail in the middle of a stream (after some text). */
  failMidStream?: boolean;
  /** Part of the prompt served from the provider's prompt cache, 0..1. */
  cacheReadShare: number;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function promptTokens(options: LanguageModelV4CallOptions): number {
  return tokens(JSON.stringify(options.prompt)) + (options.tools ? tokens(JSON.stringify(options.tools)) : 0);
}

function usage(spec: ModelSpec, script: Script, total: number, outputText: string): LanguageModelV4Usage {
  const cacheRead = spec.promptCache ? Math.floor(total * script.cacheReadShare) : 0;
  const text = tokens(outputText);
  const reasoning = Math.round(text * spec.reasoningRatio);
  return {
    inputTokens: { total, noCache: total - cacheRead, cacheRead, cacheWrite: 0 },
    outputTokens: { total: text + reasoning, text, reasoning },
  };
}

const isFollowUp = (options: LanguageModelV4CallOptions) => options.prompt.some((m) => m.role === "tool");

function fail(spec: ModelSpec, failure: NonNullable<Script["failure"]>): never {
  throw new APICallError({
    message: failure.message,
    url: `https://api.${spec.provider.split(".")[0]}.example/v1/simulated`,
    requestBodyValues: {},
    statusCode: failure.statusCode,
    responseBody: JSON.stringify({ error: { message: failure.message } }),
    isRetryable: false,
  });
}

function content(spec: ModelSpec, script: Script, options: LanguageModelV4CallOptions, random: Random) {
  const parts: LanguageModelV4Content[] = [];
  if (spec.reasoningRatio > 0)
    parts.push({ type: "reasoning", text: "Weighing the request against the policy..." });
  if (script.toolCalls && !isFollowUp(options)) {
    for (const call of script.toolCalls) {
      parts.push({
        type: "tool-call",
        toolCallId: `call_${random.int(100000, 999999)}`,
        toolName: call.toolName,
        input: JSON.stringify(call.input),
      });
    }
    return { parts, text: "", finish: "tool-calls" as const };
  }
  parts.push({ type: "text", text: script.text });
  return { parts, text: script.text, finish: "stop" as const };
}

/** A chat model that follows `script`, built per call. */
export function chatModel(spec: ModelSpec, script: Script, random: Random): MockLanguageModelV4 {
  const latency = (outputTokens: number) => ({
    ttft: random.logNormal(spec.ttftMs, 0.4),
    perToken: 1000 / random.logNormal(spec.tokensPerSecond, 0.2),
    total: outputTokens,
  });
  return new MockLanguageModelV4({
    provider: spec.provider,
    modelId: spec.modelId,
    doGenerate: async (options): Promise<LanguageModelV4GenerateResult> => {
      const { parts, text, finish } = content(spec, script, options, random);
      const timing = latency(tokens(text) + 20);
      await pause(timing.ttft + timing.perToken * timing.total, options.abortSignal);
      if (script.failure) fail(spec, script.failure);
      return {
        content: parts,
        finishReason: { unified: finish, raw: finish === "stop" ? "stop" : "tool_calls" },
        usage: usage(spec, script, promptTokens(options), text || "tool call"),
        response: {
          id: `resp_${random.int(1e8, 1e9)}`,
          modelId: spec.modelId,
          timestamp: new Date(Date.now()),
        },
        warnings: [],
      };
    },
    doStream: async (options) => {
      const { parts, text, finish } = content(spec, script, options, random);
      const timing = latency(tokens(text));
      await pause(timing.ttft, options.abortSignal);
      if (script.failure) fail(spec, script.failure);
      const words = text.split(/(?<=\s)/);
      const signal = options.abortSignal;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          controller.enqueue({ type: "stream-start", warnings: [] });
          controller.enqueue({
            type: "response-metadata",
            id: `resp_${random.int(1e8, 1e9)}`,
            modelId: spec.modelId,
            timestamp: new Date(Date.now()),
          });
          for (const part of parts) {
            if (part.type === "tool-call") controller.enqueue(part);
            if (part.type === "reasoning") {
              controller.enqueue({ type: "reasoning-start", id: "r0" });
              controller.enqueue({ type: "reasoning-delta", id: "r0", delta: part.text });
              controller.enqueue({ type: "reasoning-end", id: "r0" });
            }
          }
          if (text) {
            controller.enqueue({ type: "text-start", id: "t0" });
            for (let i = 0; i < words.length; i += 3) {
              if (signal?.aborted) return;
              if (script.failMidStream && i > words.length / 2) {
                controller.enqueue({
                  type: "error",
                  error: new Error("upstream connection reset (simulated)"),
                });
                controller.close();
                return;
              }
              controller.enqueue({ type: "text-delta", id: "t0", delta: words.slice(i, i + 3).join("") });
              await pause(timing.perToken * 3, signal);
            }
            controller.enqueue({ type: "text-end", id: "t0" });
          }
          controller.enqueue({
            type: "finish",
            finishReason: { unified: finish, raw: finish === "stop" ? "stop" : "tool_calls" },
            usage: usage(spec, script, promptTokens(options), text || "tool call"),
          });
          controller.close();
        },
      });
      return { stream };
    },
  });
}

/** An embedding model with small fake vectors. */
export function embeddingModel(spec: ModelSpec, random: Random): MockEmbeddingModelV4 {
  return new MockEmbeddingModelV4({
    provider: spec.provider,
    modelId: spec.modelId,
    maxEmbeddingsPerCall: 256,
    doEmbed: async ({ values }) => {
      await pause(random.logNormal(spec.ttftMs, 0.3));
      return {
        embeddings: values.map(() => Array.from({ length: 8 }, () => random.next() * 2 - 1)),
        usage: { tokens: values.reduce((sum, v) => sum + tokens(String(v)), 0) },
        warnings: [],
      };
    },
  });
}

/** An image model that returns small generated PNGs (one colour per prompt). */
export function imageModel(spec: ModelSpec, random: Random, failure?: Script["failure"]): MockImageModelV4 {
  return new MockImageModelV4({
    provider: spec.provider,
    modelId: spec.modelId,
    maxImagesPerCall: 4,
    doGenerate: async ({ n }) => {
      await pause(random.logNormal(spec.ttftMs, 0.3));
      if (failure) fail(spec, failure);
      return {
        images: Array.from({ length: n }, () => tinyPng(random.int(0, 359))),
        warnings: [],
        response: { timestamp: new Date(Date.now()), modelId: spec.modelId, headers: {} },
      };
    },
  });
}
