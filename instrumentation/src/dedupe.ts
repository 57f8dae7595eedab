import type { KvStore } from "@genledger/core";
import type { LanguageModelMiddleware } from "ai";
import { canonicalJson, decodeValue, encodeValue, sha256 } from "./codec.ts";
import { errorMessage } from "./log.ts";
import { pricerAndLog } from "./runtime.ts";
import { currentCall } from "./shared.ts";
import { providerTokenCounts } from "./span-attributes.ts";
import { tapStream } from "./stream-tap.ts";

/** Options of {@link dedupe}. */
export interface DedupeOptions {
  /** Where results are kept (`createKvStore(...)`): memory, Redis or Upstash. */
  store: KvStore;
  /** How long a result may be served again, in seconds. Default 3,600. */
  ttlSeconds?: number;
  /** Prefix of the store keys. Default `genledger:dedupe:`. */
  keyPrefix?: string;
  /** Results larger than this (serialized) are not kept. Default 1,000,000 bytes. */
  maxEntryBytes?: number;
}

/** What the store keeps per call. */
interface Entry {
  v: 1;
  kind: "generate" | "stream";
  /** The generation that produced it. */
  sourceId: string;
  /** What it cost, nano-dollars; null when unpriced. */
  costNanos: number | null;
  /** generate: the provider result; stream: its parts. */
  result?: Record<string, unknown>;
  parts?: unknown[];
}

type Model = { provider: string; modelId: string };

/** The cache key: SHA-256 of provider, model, call kind and the call parameters in canonical JSON. */
export function dedupeKey(
  kind: "generate" | "stream",
  model: Model,
  params: Record<string, unknown>,
): string {
  const { abortSignal: _signal, headers, ...rest } = params;
  // The SDK's user-agent changes with its version, not with what is asked.
  const { "user-agent": _agent, ...otherHeaders } = (headers ?? {}) as Record<string, unknown>;
  return sha256(
    canonicalJson({
      kind,
      provider: model.provider,
      modelId: model.modelId,
      params: { ...rest, headers: otherHeaders },
    }),
  );
}

function costOf(model: Model, responseModel: unknown, usage: unknown): number | null {
  const counts = providerTokenCounts(usage);
  if (!counts) return null;
  const outcome = pricerAndLog().pricer({
    provider: model.provider,
    model: typeof responseModel === "string" && responseModel ? responseModel : model.modelId,
    at: new Date(),
    usage: counts,
  });
  return outcome.kind === "priced" ? outcome.totalNanos : null;
}

/** Tells the generation in flight (if telemetry records it) that it was served from the cache. */
function markHit(entry: Entry): void {
  const call = currentCall();
  if (call) call.cache = { sourceId: entry.sourceId, savedNanos: entry.costNanos ?? undefined };
}

function withHitMetadata(metadata: unknown, sourceId: string): Record<string, unknown> {
  const base = metadata && typeof metadata === "object" ? (metadata as Record<string, unknown>) : {};
  return { ...base, genledger: { cacheHit: true, cacheSourceId: sourceId } };
}

/**
 * Language-model middleware that serves a repeated call from the store instead of the provider:
 * same provider, model and parameters (prompt, tools, settings) give the saved result, for
 * generate and stream calls alike (a stream replays its saved parts). The generation is still
 * recorded, marked `genledger.cache.hit`, with the ID it came from, cost 0 and the cost it saved.
 * Store failures make a miss, never an error.
 *
 * @example
 * const model = wrapLanguageModel({ model: openai("gpt-4o"), middleware: dedupe({ store: createKvStore(), ttlSeconds: 600 }) });
 */
export function dedupe(options: DedupeOptions): LanguageModelMiddleware {
  const { store } = options;
  const ttlSeconds = options.ttlSeconds ?? 3_600;
  const prefix = options.keyPrefix ?? "genledger:dedupe:";
  const maxEntryBytes = options.maxEntryBytes ?? 1_000_000;

  const lookup = async (key: string, kind: Entry["kind"]): Promise<Entry | undefined> => {
    try {
      const text = await store.get(prefix + key);
      if (text === null) return undefined;
      const entry = decodeValue(text) as Entry;
      return entry?.v === 1 && entry.kind === kind ? entry : undefined;
    } catch (error) {
      pricerAndLog().log.once(
        "dedupe-get",
        "warn",
        `dedupe: cache lookup failed, calling the provider: ${errorMessage(error)}`,
      );
      return undefined;
    }
  };
  const save = (key: string, entry: Entry): void => {
    const text = encodeValue(entry);
    if (Buffer.byteLength(text) > maxEntryBytes) return;
    store.set(prefix + key, text, { ttlSeconds }).catch((error: unknown) => {
      pricerAndLog().log.once(
        "dedupe-set",
        "warn",
        `dedupe: could not save a result: ${errorMessage(error)}`,
      );
    });
  };

  return {
    specificationVersion: "v4",
    async wrapGenerate({ doGenerate, params, model }) {
      const key = dedupeKey("generate", model, params as unknown as Record<string, unknown>);
      const hit = await lookup(key, "generate");
      if (hit?.result) {
        markHit(hit);
        return {
          ...hit.result,
          providerMetadata: withHitMetadata(hit.result.providerMetadata, hit.sourceId),
        } as never;
      }
      const result = await doGenerate();
      try {
        if (result.finishReason?.unified !== "error") {
          const { request: _request, response, ...kept } = result;
          save(key, {
            v: 1,
            kind: "generate",
            sourceId: currentCall()?.id ?? "",
            costNanos: costOf(model, response?.modelId, result.usage),
            result: {
              ...kept,
              response: response && {
                id: response.id,
                modelId: response.modelId,
                timestamp: response.timestamp,
              },
            },
          });
        }
      } catch (error) {
        pricerAndLog().log.once(
          "dedupe-save",
          "warn",
          `dedupe: could not save a result: ${errorMessage(error)}`,
        );
      }
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const key = dedupeKey("stream", model, params as unknown as Record<string, unknown>);
      const hit = await lookup(key, "stream");
      if (hit?.parts) {
        markHit(hit);
        const parts = hit.parts.map((part) =>
          (part as { type?: string }).type === "finish"
            ? {
                ...(part as object),
                providerMetadata: withHitMetadata(
                  (part as { providerMetadata?: unknown }).providerMetadata,
                  hit.sourceId,
                ),
              }
            : part,
        );
        return {
          stream: new ReadableStream({
            start(controller) {
              for (const part of parts) controller.enqueue(part as never);
              controller.close();
            },
          }),
        };
      }
      const result = await doStream();
      const sourceId = currentCall()?.id ?? "";
      const parts: unknown[] = [];
      let responseModel: unknown;
      let usage: unknown;
      let complete = false;
      let failed = false;
      const stream = tapStream(
        result.stream,
        (part) => {
          if (failed) return;
          if (part.type === "error") failed = true;
          else if (part.type !== "raw") parts.push(part);
          if (part.type === "response-metadata") responseModel = part.modelId;
          if (part.type === "finish") {
            usage = part.usage;
            complete = part.finishReason?.unified !== "error";
          }
        },
        () => {
          // Only a stream that reached its end cleanly is worth serving again.
          if (!complete || failed) return;
          try {
            save(key, {
              v: 1,
              kind: "stream",
              sourceId,
              costNanos: costOf(model, responseModel, usage),
              parts,
            });
          } catch (error) {
            pricerAndLog().log.once(
              "dedupe-save",
              "warn",
              `dedupe: could not save a result: ${errorMessage(error)}`,
            );
          }
        },
      );
      return { ...result, stream };
    },
  };
}
