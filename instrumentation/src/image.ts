import { ATTR, newGenerationId } from "@genledger/core";
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type ImageModel, type ImageModelMiddleware, wrapImageModel } from "ai";
import { newCallState } from "./call-state.ts";
import { resolveCallContext } from "./context.ts";
import { errorMessage } from "./log.ts";
import { emitPendingMarker } from "./marker.ts";
import type { CostOutcome } from "./pricing.ts";
import { finishGeneration, getRuntime } from "./runtime.ts";
import { shared } from "./shared.ts";
import { costAttributes, identityAttributes, warningLines } from "./span-attributes.ts";

const SIGNATURES: Array<[string, number[]]> = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
  ["image/webp", [0x52, 0x49, 0x46, 0x46]],
];

/** The image's media type from its first bytes (providers return bare base64 or bytes). */
export function imageMediaType(bytes: Uint8Array): string {
  for (const [type, signature] of SIGNATURES) if (signature.every((b, i) => bytes[i] === b)) return type;
  return "image/png";
}

function toBlobPart(image: string | Uint8Array) {
  const bytes = typeof image === "string" ? Buffer.from(image.slice(0, 32), "base64") : image;
  const content = typeof image === "string" ? image : Buffer.from(image).toString("base64");
  return { type: "blob", modality: "image", mime_type: imageMediaType(bytes), content };
}

type ImageParams = Parameters<NonNullable<ImageModelMiddleware["wrapGenerate"]>>[0]["params"];

function inputMessages(params: ImageParams): string {
  const parts: unknown[] = [];
  if (params.prompt) parts.push({ type: "text", content: params.prompt });
  for (const file of [...(params.files ?? []), ...(params.mask ? [params.mask] : [])]) {
    if (file.type === "file") {
      const content = typeof file.data === "string" ? file.data : Buffer.from(file.data).toString("base64");
      parts.push({ type: "blob", modality: "image", mime_type: file.mediaType, content });
    } else {
      parts.push({ type: "uri", modality: "image", uri: file.url });
    }
  }
  return JSON.stringify([{ role: "user", parts }]);
}

/** The `quality` a call asked of its provider, if any (some image prices depend on it). */
function requestedQuality(params: ImageParams): string | undefined {
  for (const options of Object.values(params.providerOptions ?? {})) {
    const quality = (options as Record<string, unknown> | undefined)?.quality;
    if (typeof quality === "string") return quality;
  }
  return undefined;
}

/**
 * Image-model middleware recording each image generation as a generation: the AI SDK's
 * generateImage emits no telemetry. The span (`generate_image <model>`) carries the prompt, the
 * images as GenAI blob parts (full base64), `genledger.usage.images`, the cost (per image, by size
 * and quality when the price needs them) and the usual ID, user and status. A call that asks for
 * more images than the model makes per request becomes one generation per provider request.
 *
 * @example const model = wrapImageModel({ model: openai.image("dall-e-3"), middleware: imageModelMiddleware() });
 */
export function imageModelMiddleware(): ImageModelMiddleware {
  return {
    specificationVersion: "v4",
    async wrapGenerate({ doGenerate, params, model }) {
      const active = getRuntime()?.active;
      if (!active) return doGenerate();
      const log = getRuntime()?.log;
      let state: ReturnType<typeof newCallState> | undefined;
      try {
        state = newCallState({
          callId: `image-${newGenerationId()}`,
          operation: "generateImage",
          provider: model.provider,
          modelId: model.modelId,
          context: resolveCallContext(undefined),
        });
        const attrs: Attributes = {
          "gen_ai.operation.name": "generate_image",
          "gen_ai.provider.name": model.provider.split(".")[0] ?? model.provider,
          "gen_ai.request.model": model.modelId,
          "gen_ai.request.choice.count": params.n,
          "gen_ai.input.messages": inputMessages(params),
          ...identityAttributes(state),
        };
        if (params.seed !== undefined) attrs["gen_ai.request.seed"] = params.seed;
        state.root = active.ownTracer.startSpan(`generate_image ${model.modelId}`, {
          kind: SpanKind.CLIENT,
          attributes: attrs,
        });
        emitPendingMarker(active.markers, state);
      } catch (error) {
        log?.once("image-start", "warn", `could not record an image generation: ${errorMessage(error)}`);
      }
      const span = state?.root;
      if (!state || !span) return doGenerate();
      const call = state;
      const run = () => context.with(trace.setSpan(context.active(), span), () => doGenerate());
      let outcome: CostOutcome = { kind: "unknown" };
      try {
        const result = await shared().callScope.run(call, run);
        try {
          const images = result.images as Array<string | Uint8Array>;
          outcome = active.pricer({
            provider: model.provider,
            model: result.response?.modelId || model.modelId,
            at: new Date(call.startedAt),
            usage: { images: images.length, imageSize: params.size, imageQuality: requestedQuality(params) },
          });
          const attrs: Attributes = {
            [ATTR.status]: "complete",
            [ATTR.images]: images.length,
            "gen_ai.output.messages": JSON.stringify([
              { role: "assistant", parts: images.map(toBlobPart), finish_reason: "stop" },
            ]),
            ...costAttributes(outcome, call.cache),
          };
          if (result.response?.modelId) attrs["gen_ai.response.model"] = result.response.modelId;
          if (result.usage?.inputTokens !== undefined)
            attrs["gen_ai.usage.input_tokens"] = result.usage.inputTokens;
          if (result.usage?.outputTokens !== undefined)
            attrs["gen_ai.usage.output_tokens"] = result.usage.outputTokens;
          const warnings = [...warningLines(result.warnings), ...call.warnings];
          if (warnings.length > 0) attrs[ATTR.warnings] = warnings;
          span.setAttributes(attrs);
        } catch (error) {
          log?.once("image-end", "warn", `could not annotate an image generation: ${errorMessage(error)}`);
        }
        return result;
      } catch (error) {
        const aborted = error instanceof Error && error.name === "AbortError";
        span.setAttributes({
          [ATTR.status]: aborted ? "aborted" : "error",
          [ATTR.error]: errorMessage(error),
        });
        if (error instanceof Error) span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
        throw error;
      } finally {
        span.end();
        finishGeneration(call, outcome);
      }
    },
  };
}

/**
 * Wraps an image model so every generateImage call with it is recorded.
 *
 * @example const image = instrumentImageModel(openai.image("gpt-image-1"));
 */
export function instrumentImageModel(model: Parameters<typeof wrapImageModel>[0]["model"]): ImageModel {
  return wrapImageModel({ model, middleware: imageModelMiddleware() });
}
