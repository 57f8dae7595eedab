import { createHash } from "node:crypto";
import { nanoid } from "nanoid";

/** Length of a generation ID. */
export const GENERATION_ID_LENGTH = 21;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** A new generation ID (nanoid, 21 URL-safe characters). */
export function newGenerationId(): string {
  return nanoid(GENERATION_ID_LENGTH);
}

/** True when `id` can be a generation ID (URL-safe, 1-128 characters). */
export function isValidGenerationId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * The ID of a generation span that carries no `genledger.generation.id`: derived from the trace and
 * span IDs, so that re-delivery of the same span maps to the same record.
 */
export function deriveGenerationId(traceId: string, spanId: string): string {
  const digest = createHash("sha256").update(`${traceId.toLowerCase()}:${spanId.toLowerCase()}`).digest();
  return `otel_${digest.toString("base64url").slice(0, GENERATION_ID_LENGTH)}`;
}
