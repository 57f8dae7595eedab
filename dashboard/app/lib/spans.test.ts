import { describe, expect, it } from "vitest";
import { layoutSpans, type SpanInput } from "./spans.ts";

function span(spanId: string, parentSpanId: string, start: number, end: number, name = spanId): SpanInput {
  return {
    spanId,
    parentSpanId,
    name,
    startTime: new Date(start),
    endTime: new Date(end),
    statusCode: "ok",
    statusMessage: "",
    attributes: {},
    generationId: "",
  };
}

describe("layoutSpans", () => {
  it("orders spans depth-first under their parents, by start time, relative to the trace start", () => {
    const { rows, totalMs } = layoutSpans([
      span("b", "root", 1500, 1800, "ai.toolCall"),
      span("root", "", 1000, 3000),
      span("a", "root", 1100, 1400),
      span("a1", "a", 1200, 1300),
    ]);
    expect(rows.map((r) => [r.spanId, r.depth, r.offsetMs, r.durationMs])).toEqual([
      ["root", 0, 0, 2000],
      ["a", 1, 100, 300],
      ["a1", 2, 200, 100],
      ["b", 1, 500, 300],
    ]);
    expect(rows[3]?.isTool).toBe(true);
    expect(totalMs).toBe(2000);
  });

  it("keeps spans whose parent is missing (another service) as roots, and survives cycles", () => {
    const { rows } = layoutSpans([span("x", "elsewhere", 0, 10), span("p", "q", 0, 5), span("q", "p", 0, 5)]);
    expect(rows.map((r) => r.spanId)).toEqual(["x", "p", "q"]);
    expect(rows.map((r) => r.depth)).toEqual([0, 0, 1]);
  });
});
