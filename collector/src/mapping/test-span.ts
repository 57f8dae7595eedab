// Decoded spans for the mapping tests.
import type { AttributeValue, DecodedSpan } from "../otlp/types.ts";

/** Start of every test span, in ns since the epoch. */
export const T0 = 1_750_000_000_000_000_000n;
/** One millisecond in ns. */
export const MS = 1_000_000n;

/**
 * A span builder for trace `traceId`: a one-second span of a service named "checkout", emitted by
 * another language's instrumentation; `extra` overrides any field.
 */
export function spanBuilder(traceId: string) {
  return (
    spanId: string,
    name: string,
    attributes: Record<string, AttributeValue>,
    extra: Partial<DecodedSpan> = {},
  ): DecodedSpan => ({
    traceId,
    spanId,
    parentSpanId: "",
    name,
    kind: 1,
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 1000n * MS,
    attributes: Object.assign(Object.create(null), attributes),
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource: Object.assign(Object.create(null), { "service.name": "checkout" }),
    scopeName: "some.python.instrumentation",
    scopeVersion: "",
    oversize: [],
    ...extra,
  });
}
