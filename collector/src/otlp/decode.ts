import { decodeTraceRequestJson } from "./decode-json.ts";
import { decodeTraceRequestProtobuf } from "./decode-protobuf.ts";
import type { OtlpEncoding } from "./encode.ts";
import type { DecodedSpan, DecodeLimits } from "./types.ts";

/**
 * Decodes an OTLP trace export body in either encoding into spans.
 * @throws DecodeError when the body cannot be decoded (answered with 400).
 */
export function decodeTraceRequest(
  body: Uint8Array,
  encoding: OtlpEncoding,
  limits: DecodeLimits,
): DecodedSpan[] {
  return encoding === "protobuf"
    ? decodeTraceRequestProtobuf(body, limits)
    : decodeTraceRequestJson(body, limits);
}
