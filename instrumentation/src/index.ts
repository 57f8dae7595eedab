export type { GenerationCallOptions, NewGenerationInput } from "./context.ts";
export { generation, newGeneration, withGeneration, withGenerationContext } from "./context.ts";
export { flush, init, shutdown, stats } from "./runtime.ts";
export type {
  GenerationContext,
  GenledgerOptions,
  GenledgerStats,
  LogLevel,
  PlannedGeneration,
} from "./types.ts";
