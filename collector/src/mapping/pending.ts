import type { Generation } from "@genledger/core";
import type { DecodedSpan } from "../otlp/types.ts";
import { readString } from "./attributes.ts";
import {
  applyGenledger,
  baseGeneration,
  clip,
  generationIdOf,
  genledgerAttributes,
  type MapContext,
  operationOf,
} from "./common.ts";

/**
 * The `pending` record of the start marker span (`genledger.generation.start`): the instrumentation
 * sends it when a call starts, so that a record exists even if the process dies mid-stream. It
 * carries the generation's ID and what is known up front (user, function, model, tags).
 */
export function buildPendingGeneration(span: DecodedSpan, ctx: MapContext): Generation {
  const attrs = genledgerAttributes(span, []);
  const generation = baseGeneration(span, generationIdOf(span, attrs), ctx);
  generation.status = "pending";
  generation.finishedAt = null;
  generation.latencyMs = null;
  generation.operation = operationOf(attrs, "unknown");
  generation.provider = clip(readString(span.attributes, "gen_ai.provider.name") ?? "");
  generation.model = clip(readString(span.attributes, "gen_ai.request.model") ?? "");
  applyGenledger(generation, attrs, span, ctx);
  return generation;
}
