import type { Generation } from "@genledger/core";

/** JSON for one generation: dates as ISO strings; money stays integer nano-dollars. */
export function generationJson(generation: Generation, textHidden: boolean): Record<string, unknown> {
  const { prompt, output, ...rest } = generation;
  const base: Record<string, unknown> = {
    ...rest,
    startedAt: generation.startedAt.toISOString(),
    finishedAt: generation.finishedAt?.toISOString() ?? null,
  };
  if (textHidden) return { ...base, textHidden: true, output: { embeddings: output.embeddings } };
  return { ...base, textHidden: false, prompt, output };
}

/** API responses are per-caller and may hold prompts: never cache them in shared caches. */
export const API_HEADERS = { "Cache-Control": "private, no-store" } as const;
