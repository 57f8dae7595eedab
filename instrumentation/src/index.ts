export type { Budget, BudgetGuardOptions, BudgetScope } from "./budget.ts";
export { BudgetExceededError, budgetGuard } from "./budget.ts";
export type { GenerationCallOptions, NewGenerationInput } from "./context.ts";
export { generation, newGeneration, withGeneration, withGenerationContext } from "./context.ts";
export type { DedupeOptions } from "./dedupe.ts";
export { dedupe } from "./dedupe.ts";
export { imageModelMiddleware, instrumentImageModel } from "./image.ts";
export { flush, init, shutdown, stats } from "./runtime.ts";
export type {
  GenerationContext,
  GenledgerOptions,
  GenledgerStats,
  LogLevel,
  PlannedGeneration,
} from "./types.ts";
