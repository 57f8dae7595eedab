import { Link } from "react-router";
import { formatAgo, formatCount, formatDuration, formatTime } from "../lib/format.ts";
import type { GenerationRow } from "../lib/generation-rows.server.ts";
import { StatusBadge } from "./status-badge.tsx";

/** Generations as a table; each row links to its page. */
export function GenerationTable({
  rows,
  showPreview,
  showUser = true,
}: {
  rows: GenerationRow[];
  showPreview: boolean;
  showUser?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="generation-table">
        <thead>
          <tr>
            <th>Started</th>
            <th>ID</th>
            <th>Status</th>
            {showUser ? <th>User</th> : null}
            <th>Model</th>
            <th>Function</th>
            <th className="num">Tokens in / out</th>
            <th className="num">Cost</th>
            <th className="num">Latency</th>
            {showPreview ? <th>Output</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="generation-row">
              <td className="nowrap" title={formatTime(row.startedAt)} suppressHydrationWarning>
                {formatAgo(row.startedAt)}
              </td>
              <td>
                <Link className="mono" to={`/generation/${encodeURIComponent(row.id)}`}>
                  {row.id}
                </Link>
              </td>
              <td>
                <StatusBadge status={row.status} />
                {row.cacheHit ? <span className="badge neutral"> cache</span> : null}
              </td>
              {showUser ? (
                <td>
                  {row.userId ? (
                    <Link to={`/users/${encodeURIComponent(row.userId)}`}>{row.userId}</Link>
                  ) : (
                    "-"
                  )}
                </td>
              ) : null}
              <td className="mono nowrap">{row.model || "-"}</td>
              <td className="nowrap">{row.functionId || "-"}</td>
              <td className="num">
                {formatCount(row.inputTokens)} / {formatCount(row.outputTokens)}
              </td>
              <td className="num">
                {row.unpriced ? <span className="badge unpriced">unpriced</span> : row.cost || "-"}
              </td>
              <td className="num">{formatDuration(row.latencyMs)}</td>
              {showPreview ? (
                <td>
                  <div className="preview">{row.preview}</div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
