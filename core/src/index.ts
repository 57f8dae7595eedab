export { ATTR, PENDING_SPAN_NAME } from "./attributes.ts";
export type { BlobStore, BlobStoreKind, CreateBlobStoreOptions } from "./blob/index.ts";
export { blobIdOf, createBlobStore, InvalidBlobIdError, isValidBlobId } from "./blob/index.ts";
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
export type {
  KvIncrOptions,
  KvSetOptions,
  KvStore,
  MemoryKvStoreOptions,
  RedisKvStoreOptions,
  UpstashKvStoreOptions,
} from "./kv/index.ts";
export { createKvStore, createMemoryKvStore, createRedisKvStore, createUpstashKvStore } from "./kv/index.ts";
export { formatUsd, NANOS_PER_USD } from "./money.ts";
export type {
  CatalogListing,
  ComputeCostOptions,
  CreateCatalogOptions,
  GenerationCost,
  ImageVariant,
  NormalizedModel,
  PriceCatalog,
  PriceEntry,
  PriceGenerationInput,
  PriceLookup,
  PriceLookupResult,
  PriceTier,
  PricingErrorCode,
  PricingResult,
  TokenUsage,
} from "./prices/index.ts";
export {
  builtInCatalog,
  builtInPriceEntries,
  catalogEntries,
  computeCost,
  createCatalog,
  findPrice,
  formatNanosAsUsd,
  loadPriceOverrides,
  lookupPrice,
  normalizeModel,
  normalizeProvider,
  PricingError,
  parseUsdToNanos,
  priceEntriesSchema,
  priceEntrySchema,
  priceGeneration,
  toRecordCost,
  validatePriceEntries,
} from "./prices/index.ts";
