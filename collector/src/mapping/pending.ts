import type { Generation } from "@genledger/core";
import type { DecodedSpan } from "../otlp/types.ts";
import { readJson, readString } from "./attributes.ts";
import {
  applyGenledger,
  baseGeneration,
  clip,
  generationIdOf,
  genledgerAttributes,
  type MapContext,
  operationOf,
  oversizeNote,
} from "./common.ts";
import { normalizeMessages, systemText } from "./messages.ts";

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
  // The marker carries the prompt when inputs are recorded, so that an abandoned call still shows it.
  const system = readJson(span.attributes, "gen_ai.system_instructions");
  if (system.ok) generation.prompt.system = systemText(system.value);
  const note = oversizeNote(span, "gen_ai.input.messages", ctx);
  const input = readJson(span.attributes, "gen_ai.input.messages");
  if (note !== undefined)
    generation.prompt.messages = [{ role: "user", parts: [{ type: "note", content: note }] }];
  else if (input.ok) generation.prompt.messages = normalizeMessages(input.value, "user");
  applyGenledger(generation, attrs, span, ctx);
  return generation;
}
