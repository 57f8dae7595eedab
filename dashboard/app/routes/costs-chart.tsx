import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, usd } from "../lib/format.ts";

// Components of the costs page (not a route: routes.ts does not list this file).

const COLORS = [
  "#2f5bd3",
  "#1d7a46",
  "#c2410c",
  "#7c3aed",
  "#0e7490",
  "#be185d",
  "#a16207",
  "#4b5563",
  "#94a3b8",
];

/** Spend per bucket, stacked by group; drawn after hydration (recharts measures its container). */
export function CostChart({
  keys,
  points,
}: {
  keys: string[];
  points: Array<Record<string, number | string>>;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div
      className="chart"
      style={{ height: 320 }}
      data-testid="costs-chart"
      data-points={points.length}
      data-series={keys.length}
    >
      {mounted ? (
        <BarChart
          responsive
          style={{ width: "100%", height: 320 }}
          data={points}
          margin={{ top: 8, right: 8, left: 8, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6ea" />
          <XAxis dataKey="bucket" tick={{ fontSize: 11 }} tickLine={false} />
          <YAxis
            tickFormatter={(value: number) => usd(value, 2)}
            tick={{ fontSize: 11 }}
            width={76}
            tickLine={false}
          />
          <Tooltip formatter={(value, name) => [usd(Number(value), 4), String(name)]} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {keys.map((key, i) => (
            <Bar
              key={key}
              dataKey={key}
              stackId="spend"
              fill={COLORS[i % COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      ) : null}
    </div>
  );
}

/** One headline number. */
export function Stat({
  label: title,
  value,
  sub,
  testId,
}: {
  label: string;
  value: string | number;
  sub?: string;
  testId?: string;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="label">{title}</div>
      <div className="value">{typeof value === "number" ? formatCount(value) : value}</div>
      {sub ? <div className="sub">{sub}</div> : null}
    </div>
  );
}
