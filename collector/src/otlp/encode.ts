/**
 * Encoders for the two messages an OTLP/HTTP receiver answers with: `ExportTraceServiceResponse`
 * (2xx, optionally with `partial_success`) and `google.rpc.Status` (4xx/5xx), in protobuf or JSON.
 */

/** The encodings OTLP/HTTP defines. */
export type OtlpEncoding = "protobuf" | "json";

/** Content type for an encoding. */
export function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === "protobuf" ? "application/x-protobuf" : "application/json";
}

/** What was rejected in an otherwise accepted export. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

const textEncoder = new TextEncoder();

function varint(out: number[], value: number): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function lengthDelimited(out: number[], fieldNumber: number, payload: Uint8Array | number[]): void {
  varint(out, (fieldNumber << 3) | 2);
  varint(out, payload.length);
  for (const byte of payload) out.push(byte);
}

/**
 * `ExportTraceServiceResponse`. Without rejections the message is empty, as the spec asks
 * (`partial_success` unset means full success).
 */
export function encodeExportResponse(encoding: OtlpEncoding, partial?: PartialSuccess): Uint8Array {
  const hasPartial = partial !== undefined && (partial.rejectedSpans > 0 || partial.errorMessage !== "");
  if (encoding === "json") {
    const body = hasPartial
      ? {
          partialSuccess: {
            rejectedSpans: String(partial.rejectedSpans),
            errorMessage: partial.errorMessage,
          },
        }
      : {};
    return textEncoder.encode(JSON.stringify(body));
  }
  if (!hasPartial) return new Uint8Array(0);
  const inner: number[] = [];
  if (partial.rejectedSpans > 0) {
    varint(inner, (1 << 3) | 0);
    varint(inner, partial.rejectedSpans);
  }
  if (partial.errorMessage !== "") lengthDelimited(inner, 2, textEncoder.encode(partial.errorMessage));
  const out: number[] = [];
  lengthDelimited(out, 1, inner);
  return Uint8Array.from(out);
}

/** gRPC status codes used in `google.rpc.Status.code` for HTTP failures. */
const GRPC_CODE_FOR_HTTP: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 3, // INVALID_ARGUMENT (the payload cannot be accepted as sent)
  415: 3,
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/** `google.rpc.Status` for an HTTP error status. */
export function encodeStatus(encoding: OtlpEncoding, httpStatus: number, message: string): Uint8Array {
  const code = GRPC_CODE_FOR_HTTP[httpStatus] ?? 2; // UNKNOWN
  if (encoding === "json") return textEncoder.encode(JSON.stringify({ code, message }));
  const out: number[] = [];
  varint(out, (1 << 3) | 0);
  varint(out, code);
  lengthDelimited(out, 2, textEncoder.encode(message));
  return Uint8Array.from(out);
}
