import { Link } from "react-router";
import { formatDuration } from "../lib/format.ts";
import type { SpanRow } from "../lib/spans.ts";

/** The trace's spans (steps, tool calls) as bars on one time axis; the current generation is highlighted. */
export function Waterfall({
  rows,
  totalMs,
  currentId,
}: {
  rows: SpanRow[];
  totalMs: number;
  currentId: string;
}) {
  return (
    <div className="waterfall" data-testid="waterfall">
      {rows.map((row) => {
        const left = (row.offsetMs / totalMs) * 100;
        const width = Math.max((row.durationMs / totalMs) * 100, 0.3);
        const kind =
          row.status === "error"
            ? "error"
            : row.generationId === currentId
              ? "current"
              : row.isTool
                ? "tool"
                : "";
        const label = row.attributes["ai.toolCall.name"] ?? row.attributes["gen_ai.tool.name"];
        return (
          <div key={row.spanId} style={{ display: "contents" }} data-testid="span-row">
            <div
              className="name"
              style={{ paddingLeft: row.depth * 14 }}
              title={row.statusMessage || row.name}
            >
              {row.generationId && row.generationId !== currentId ? (
                <Link to={`/generation/${encodeURIComponent(row.generationId)}`}>{row.name}</Link>
              ) : (
                row.name
              )}
              {label ? <span className="muted"> {label}</span> : null}
            </div>
            <div className="track">
              <div
                className={`bar ${kind}`}
                style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
              />
            </div>
            <div className="dur">{formatDuration(row.durationMs)}</div>
          </div>
        );
      })}
    </div>
  );
}
