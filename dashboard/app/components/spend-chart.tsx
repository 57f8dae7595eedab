import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, usd } from "../lib/format.ts";

/** One bar: a period and its spend in integer nano-dollars. */
export interface SpendPoint {
  label: string;
  costNanos: number;
  requests: number;
}

/**
 * Spend per period as bars. Drawn after hydration (the chart measures its container), in a box of the
 * final height so nothing jumps.
 */
export function SpendChart({ points, testId }: { points: SpendPoint[]; testId?: string }) {
  const [mounted, setMounted] = useState(false);
  // Enough decimals that neighbouring ticks differ: $0.0025 steps for a cheap user, $120 for a team.
  const max = Math.max(0, ...points.map((p) => p.costNanos));
  const decimals = max >= 10e9 ? 0 : max >= 1e9 ? 2 : max >= 1e7 ? 3 : 4;
  useEffect(() => setMounted(true), []);
  return (
    <div className="chart" data-testid={testId}>
      {mounted ? (
        <BarChart
          responsive
          style={{ width: "100%", height: 240 }}
          data={points}
          margin={{ top: 8, right: 8, left: 8, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6ea" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} tickLine={false} />
          <YAxis
            tickFormatter={(value: number) => usd(value, Math.max(decimals, 2))}
            tick={{ fontSize: 11 }}
            width={70}
            tickLine={false}
          />
          <Tooltip
            formatter={(value, _name, item) => [
              `${usd(Number(value), 6)} (${formatCount((item.payload as SpendPoint).requests)} requests)`,
              "Spend",
            ]}
          />
          <Bar dataKey="costNanos" fill="#2f5bd3" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      ) : null}
    </div>
  );
}
