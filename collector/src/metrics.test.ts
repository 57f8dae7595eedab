import { describe, expect, it } from "vitest";
import { createMetricsRegistry, METRIC } from "./metrics.ts";

describe("metrics registry", () => {
  it("renders counters, gauges and cumulative histograms in the Prometheus text format", () => {
    const metrics = createMetricsRegistry();
    const rejected = metrics.counter(METRIC.spansRejected, "Spans rejected");
    rejected.inc({ reason: "bad_id" });
    rejected.inc({ reason: "bad_id" }, 2);
    rejected.inc({ reason: 'quote"d' });
    metrics.gauge(METRIC.spoolBytes, "Spool bytes", () => 4096);
    const latency = metrics.histogram(METRIC.writeLatency, "Write latency", [0.1, 1]);
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(3);

    const text = metrics.render();
    expect(text).toContain('genledger_collector_spans_rejected_total{reason="bad_id"} 3');
    expect(text).toContain('genledger_collector_spans_rejected_total{reason="quote\\"d"} 1');
    expect(text).toContain(
      "# TYPE genledger_collector_spool_bytes gauge\ngenledger_collector_spool_bytes 4096",
    );
    expect(text).toContain('genledger_collector_write_latency_seconds_bucket{le="0.1"} 1');
    expect(text).toContain('genledger_collector_write_latency_seconds_bucket{le="1"} 2');
    expect(text).toContain('genledger_collector_write_latency_seconds_bucket{le="+Inf"} 3');
    expect(text).toContain("genledger_collector_write_latency_seconds_count 3");
    expect(rejected.get({ reason: "bad_id" })).toBe(3);
  });

  it("returns the same metric for the same name and refuses a type clash", () => {
    const metrics = createMetricsRegistry();
    const a = metrics.counter("x_total", "x");
    a.inc();
    expect(metrics.counter("x_total", "x").get()).toBe(1);
    expect(() => metrics.gauge("x_total", "x")).toThrow(/another type/);
    expect(() => metrics.counter("bad name", "x")).toThrow(/invalid metric name/);
  });

  it("keeps the scrape alive when a gauge collector throws", () => {
    const metrics = createMetricsRegistry();
    metrics.gauge("broken", "b", () => {
      throw new Error("boom");
    });
    metrics.counter("ok_total", "ok").inc();
    const text = metrics.render();
    expect(text).toContain("broken NaN");
    expect(text).toContain("ok_total 1");
  });
});
