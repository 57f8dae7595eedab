/**
 * A small, dependency-free metrics registry rendered in the Prometheus text format (0.0.4).
 * The ingest side and the durability side (spool, writer, sweeper) share one registry per process,
 * so `/metrics` shows the whole pipeline. Metric names live in {@link METRIC} so both sides agree.
 */

/** Label values of one series, e.g. `{ reason: "bad_id" }`. */
export type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing count. */
export interface Counter {
  inc(labels?: Labels, value?: number): void;
  /** Current value of one series (0 when never incremented); for tests and readiness checks. */
  get(labels?: Labels): number;
}

/** A value that goes up and down. */
export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, value?: number): void;
  dec(labels?: Labels, value?: number): void;
  get(labels?: Labels): number;
}

/** A distribution over fixed cumulative buckets. */
export interface Histogram {
  observe(value: number, labels?: Labels): void;
  /** Count and sum of one series; for tests. */
  get(labels?: Labels): { count: number; sum: number };
}

/** Computes a gauge's series at scrape time (spool bytes, lag): return one value or labelled values. */
export type GaugeCollect = () => number | ReadonlyArray<{ labels: Labels; value: number }>;

/** The registry behind `/metrics`. Asking twice for the same name returns the same metric. */
export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  /** With `collect`, the gauge is computed at scrape time (values set by hand are ignored). */
  gauge(name: string, help: string, collect?: GaugeCollect): Gauge;
  /** `buckets`: upper bounds in ascending order; defaults to {@link DEFAULT_SECONDS_BUCKETS}. */
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  /** The Prometheus text exposition of every metric. */
  render(): string;
}

/** Buckets (seconds) for latencies from 1 ms to 30 s. */
export const DEFAULT_SECONDS_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30,
];

/** Content type of {@link MetricsRegistry.render}'s output. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Names of the collector's metrics. Ingest side: requests, spans, generations, rejections, bytes,
 * blobs, redactions. Durability side: spool bytes, write latency, lag, drops.
 */
export const METRIC = {
  /** counter {route, code}: HTTP requests answered. */
  requests: "genledger_collector_requests_total",
  /** counter {encoding}: request body bytes as received (before gunzip). */
  requestBytes: "genledger_collector_request_bytes_total",
  /** counter: spans accepted into a batch. */
  spansAccepted: "genledger_collector_spans_accepted_total",
  /** counter {reason}: spans rejected (partial success) or requests refused, by reason. */
  spansRejected: "genledger_collector_spans_rejected_total",
  /** counter {status}: generation records handed to the spool. */
  generationsAccepted: "genledger_collector_generations_accepted_total",
  /** counter {reason}: whole requests refused (400, 401, 413, 415, 503). */
  requestsRejected: "genledger_collector_requests_rejected_total",
  /** counter: blobs moved to the blob store. */
  blobsStored: "genledger_collector_blobs_stored_total",
  /** counter {rule}: PII redaction rule hits. */
  redactions: "genledger_collector_redactions_total",
  /** histogram: time from request received to acknowledged (seconds). */
  ingestDuration: "genledger_collector_ingest_duration_seconds",
  /** gauge: bytes waiting in the spool (durability side). */
  spoolBytes: "genledger_collector_spool_bytes",
  /** histogram: ClickHouse batch write latency in seconds (durability side). */
  writeLatency: "genledger_collector_write_latency_seconds",
  /** gauge: age in seconds of the oldest spooled batch not yet in ClickHouse (durability side). */
  lag: "genledger_collector_lag_seconds",
  /** counter {reason}: records dropped after exhausting retries or quarantined (durability side). */
  dropped: "genledger_collector_dropped_total",
} as const;

const NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function seriesKey(labels: Labels | undefined): string {
  if (labels === undefined) return "";
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  keys.sort();
  return keys.map((key) => `${key}="${escapeLabel(labels[key] ?? "")}"`).join(",");
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function withLabel(key: string, extra: string): string {
  return key === "" ? `{${extra}}` : `{${key},${extra}}`;
}

interface Rendered {
  render(lines: string[]): void;
}

class CounterImpl implements Counter, Rendered {
  readonly #values = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  inc(labels?: Labels, value = 1): void {
    if (!(value >= 0)) return;
    const key = seriesKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + value);
  }
  get(labels?: Labels): number {
    return this.#values.get(seriesKey(labels)) ?? 0;
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`);
    if (this.#values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, value] of this.#values) {
      lines.push(`${this.name}${key === "" ? "" : `{${key}}`} ${formatValue(value)}`);
    }
  }
}

class GaugeImpl implements Gauge, Rendered {
  readonly #values = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  readonly collect: GaugeCollect | undefined;
  constructor(name: string, help: string, collect: GaugeCollect | undefined) {
    this.name = name;
    this.help = help;
    this.collect = collect;
  }
  set(value: number, labels?: Labels): void {
    this.#values.set(seriesKey(labels), value);
  }
  inc(labels?: Labels, value = 1): void {
    const key = seriesKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + value);
  }
  dec(labels?: Labels, value = 1): void {
    this.inc(labels, -value);
  }
  get(labels?: Labels): number {
    if (this.collect !== undefined) {
      const collected = this.#safeCollect();
      if (typeof collected === "number") return labels === undefined ? collected : 0;
      const key = seriesKey(labels);
      return collected.find((series) => seriesKey(series.labels) === key)?.value ?? 0;
    }
    return this.#values.get(seriesKey(labels)) ?? 0;
  }
  #safeCollect(): ReturnType<GaugeCollect> {
    try {
      return this.collect?.() ?? [];
    } catch {
      // A failing collector must not break the scrape of every other metric.
      return Number.NaN;
    }
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} gauge`);
    if (this.collect !== undefined) {
      const collected = this.#safeCollect();
      if (typeof collected === "number") {
        lines.push(`${this.name} ${formatValue(collected)}`);
        return;
      }
      for (const series of collected) {
        const key = seriesKey(series.labels);
        lines.push(`${this.name}${key === "" ? "" : `{${key}}`} ${formatValue(series.value)}`);
      }
      return;
    }
    if (this.#values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, value] of this.#values) {
      lines.push(`${this.name}${key === "" ? "" : `{${key}}`} ${formatValue(value)}`);
    }
  }
}

interface HistogramSeries {
  counts: number[];
  count: number;
  sum: number;
}

class HistogramImpl implements Histogram, Rendered {
  readonly #series = new Map<string, HistogramSeries>();
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }
  observe(value: number, labels?: Labels): void {
    if (Number.isNaN(value)) return;
    const key = seriesKey(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { counts: new Array<number>(this.buckets.length).fill(0), count: 0, sum: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] ?? 0)) {
        series.counts[i] = (series.counts[i] ?? 0) + 1;
        break;
      }
    }
    series.count += 1;
    series.sum += value;
  }
  get(labels?: Labels): { count: number; sum: number } {
    const series = this.#series.get(seriesKey(labels));
    return { count: series?.count ?? 0, sum: series?.sum ?? 0 };
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`);
    for (const [key, series] of this.#series) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += series.counts[i] ?? 0;
        lines.push(
          `${this.name}_bucket${withLabel(key, `le="${formatValue(this.buckets[i] ?? 0)}"`)} ${cumulative}`,
        );
      }
      lines.push(`${this.name}_bucket${withLabel(key, 'le="+Inf"')} ${series.count}`);
      lines.push(`${this.name}_sum${key === "" ? "" : `{${key}}`} ${formatValue(series.sum)}`);
      lines.push(`${this.name}_count${key === "" ? "" : `{${key}}`} ${series.count}`);
    }
  }
}

/**
 * A new, empty registry.
 * @example
 * const metrics = createMetricsRegistry();
 * metrics.counter(METRIC.dropped, "Records dropped").inc({ reason: "quarantine" }, 3);
 * metrics.gauge(METRIC.spoolBytes, "Bytes in the spool", () => spool.bytes());
 */
export function createMetricsRegistry(): MetricsRegistry {
  const metrics = new Map<string, (CounterImpl | GaugeImpl | HistogramImpl) & Rendered>();

  function existing<T>(name: string, kind: new (...args: never[]) => T): T | undefined {
    if (!NAME_PATTERN.test(name))
      throw new Error(`invalid metric name "${name}": expected [a-zA-Z_:][a-zA-Z0-9_:]*`);
    const found = metrics.get(name);
    if (found === undefined) return undefined;
    if (!(found instanceof kind)) throw new Error(`metric "${name}" is already registered with another type`);
    return found;
  }

  return {
    counter(name, help) {
      const found = existing(name, CounterImpl);
      if (found !== undefined) return found;
      const created = new CounterImpl(name, help);
      metrics.set(name, created);
      return created;
    },
    gauge(name, help, collect) {
      const found = existing(name, GaugeImpl);
      if (found !== undefined) return found;
      const created = new GaugeImpl(name, help, collect);
      metrics.set(name, created);
      return created;
    },
    histogram(name, help, buckets = DEFAULT_SECONDS_BUCKETS) {
      const found = existing(name, HistogramImpl);
      if (found !== undefined) return found;
      for (let i = 1; i < buckets.length; i++) {
        if ((buckets[i] ?? 0) <= (buckets[i - 1] ?? 0))
          throw new Error(`histogram "${name}": buckets must ascend`);
      }
      const created = new HistogramImpl(name, help, buckets);
      metrics.set(name, created);
      return created;
    },
    render() {
      const lines: string[] = [];
      for (const metric of metrics.values()) metric.render(lines);
      return `${lines.join("\n")}\n`;
    },
  };
}
