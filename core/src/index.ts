export { ATTR, PENDING_SPAN_NAME } from "./attributes.ts";
export type { GenerationInput, GenerationStatus, Operation } from "./generation.ts";
export {
  Cost,
  GENERATION_STATUSES,
  Generation,
  isFinalStatus,
  Message,
  MessagePart,
  OPERATIONS,
  Output,
  Prompt,
  statusRank,
  Usage,
} from "./generation.ts";
export { deriveGenerationId, GENERATION_ID_LENGTH, isValidGenerationId, newGenerationId } from "./ids.ts";
export { formatUsd, NANOS_PER_USD } from "./money.ts";
