/** A span laid out for the waterfall: offsets relative to the trace start, depth from parent links. */
export interface SpanRow {
  spanId: string;
  name: string;
  depth: number;
  offsetMs: number;
  durationMs: number;
  status: "unset" | "ok" | "error";
  statusMessage: string;
  generationId: string;
  isTool: boolean;
  attributes: Record<string, string>;
}

/** Input shape: the fields of `StoredSpan` the layout needs. */
export interface SpanInput {
  spanId: string;
  parentSpanId: string;
  name: string;
  startTime: Date;
  endTime: Date;
  statusCode: "unset" | "ok" | "error";
  statusMessage: string;
  attributes: Record<string, string>;
  generationId: string;
}

/** Orders spans depth-first under their parents (children by start time) and measures them. */
export function layoutSpans(spans: SpanInput[]): { rows: SpanRow[]; totalMs: number } {
  if (spans.length === 0) return { rows: [], totalMs: 0 };
  const start = Math.min(...spans.map((s) => s.startTime.getTime()));
  const end = Math.max(...spans.map((s) => Math.max(s.endTime.getTime(), s.startTime.getTime())));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, SpanInput[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : "";
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const rows: SpanRow[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanInput, depth: number) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    rows.push({
      spanId: span.spanId,
      name: span.name,
      depth,
      offsetMs: span.startTime.getTime() - start,
      durationMs: Math.max(0, span.endTime.getTime() - span.startTime.getTime()),
      status: span.statusCode,
      statusMessage: span.statusMessage,
      generationId: span.generationId,
      isTool:
        /tool/i.test(span.name) ||
        "ai.toolCall.name" in span.attributes ||
        "gen_ai.tool.name" in span.attributes,
      attributes: span.attributes,
    });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get("") ?? []) visit(root, 0);
  // Spans caught in a parent cycle (bad data) still show, as roots.
  for (const span of spans) visit(span, 0);
  return { rows, totalMs: Math.max(end - start, 1) };
}
