/**
 * Cost-spike detection against a seasonal baseline.
 *
 * A window of spend (say the last 60 minutes) is compared with the same window shifted back by
 * whole days (daily seasonality) and whole weeks (weekly seasonality). Comparing like with like
 * means a normal lunchtime peak is judged against earlier lunchtime peaks, not against the night.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** Tuning of {@link detectSpike}; every field has a default. */
export interface SpikeOptions {
  /** Length of the window judged, in minutes. Default 60. */
  windowMinutes?: number;
  /** Same-time-of-day samples from the previous N days. Default 7. */
  days?: number;
  /** Same-time-of-week samples from the previous N weeks (weeks already covered by `days` are not repeated). Default 4. */
  weeks?: number;
  /** Never fire below this amount in the window (nano-dollars). Default 1 USD. */
  minAmount?: bigint;
  /** The window must reach at least `ratio` times the expected amount. Default 2. */
  ratio?: number;
  /** The window must sit at least `z` robust standard deviations above the expected amount. Default 4. */
  z?: number;
  /** Fewer baseline samples than this: not enough history, never fire. Default 3. */
  minSamples?: number;
}

/** Resolved {@link SpikeOptions}. */
export type ResolvedSpikeOptions = Required<SpikeOptions>;

/** Defaults for {@link SpikeOptions}. */
export const DEFAULT_SPIKE_OPTIONS: ResolvedSpikeOptions = {
  windowMinutes: 60,
  days: 7,
  weeks: 4,
  minAmount: 1_000_000_000n,
  ratio: 2,
  z: 4,
  minSamples: 3,
};

/** A half-open time window `[from, to)`, labelled by how far back it was shifted. */
export interface SpikeWindow {
  from: Date;
  to: Date;
  /** 0 for the window being judged; otherwise the shift in whole hours (24, 48, ..., 336, ...). */
  lagHours: number;
}

/** Fills in defaults and rejects nonsense with an error naming the field. */
export function resolveSpikeOptions(options: SpikeOptions = {}): ResolvedSpikeOptions {
  const o = { ...DEFAULT_SPIKE_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(o.windowMinutes) || o.windowMinutes < 1 || o.windowMinutes > 24 * 60) {
    throw new RangeError(`spike windowMinutes must be an integer in 1..1440, got ${o.windowMinutes}`);
  }
  if (!Number.isInteger(o.days) || o.days < 0 || o.days > 60) {
    throw new RangeError(`spike days must be an integer in 0..60, got ${o.days}`);
  }
  if (!Number.isInteger(o.weeks) || o.weeks < 0 || o.weeks > 52) {
    throw new RangeError(`spike weeks must be an integer in 0..52, got ${o.weeks}`);
  }
  if (o.minAmount < 0n) throw new RangeError(`spike minAmount must be >= 0, got ${o.minAmount}`);
  if (!(o.ratio >= 1)) throw new RangeError(`spike ratio must be >= 1, got ${o.ratio}`);
  if (!(o.z >= 0)) throw new RangeError(`spike z must be >= 0, got ${o.z}`);
  if (!Number.isInteger(o.minSamples) || o.minSamples < 1) {
    throw new RangeError(`spike minSamples must be a positive integer, got ${o.minSamples}`);
  }
  return o;
}

/**
 * The window ending at `now` plus its seasonal look-backs: the same minutes on each of the previous
 * `days` days and on each of the previous `weeks` weeks (a lag already taken is not repeated).
 */
export function spikeWindows(now: Date, options: SpikeOptions = {}): SpikeWindow[] {
  const o = resolveSpikeOptions(options);
  const to = now.getTime();
  const from = to - o.windowMinutes * 60_000;
  const lags = new Set<number>();
  for (let d = 1; d <= o.days; d++) lags.add(d * DAY_MS);
  for (let w = 1; w <= o.weeks; w++) lags.add(w * WEEK_MS);
  const windows: SpikeWindow[] = [{ from: new Date(from), to: new Date(to), lagHours: 0 }];
  for (const lag of [...lags].sort((a, b) => a - b)) {
    windows.push({ from: new Date(from - lag), to: new Date(to - lag), lagHours: lag / HOUR_MS });
  }
  return windows;
}

/** What {@link detectSpike} concluded, with the numbers behind it. */
export interface SpikeVerdict {
  spike: boolean;
  /** Amount in the judged window. */
  current: bigint;
  /** Median of the baseline samples (0 when there are none). */
  expected: bigint;
  /** `current / expected` (Infinity when expected is 0 and current is not). */
  ratio: number;
  /** Robust z-score: (current - expected) / max(1.4826 * MAD, 10% of expected, 1 nano). */
  z: number;
  samples: number;
  /** Why it did or did not fire, in words. */
  reason: string;
}

/**
 * Judges `current` against seasonal `baseline` samples. Fires only when all of these hold:
 * enough samples, `current >= minAmount`, `current >= ratio * expected`, and robust z >= `z`.
 * The median and MAD keep one earlier spike in the baseline from hiding the next one.
 */
export function detectSpike(
  current: bigint,
  baseline: readonly bigint[],
  options: SpikeOptions = {},
): SpikeVerdict {
  const o = resolveSpikeOptions(options);
  const samples = baseline.length;
  const expected = samples > 0 ? medianBig(baseline) : 0n;
  const mad = samples > 0 ? medianBig(baseline.map((v) => abs(v - expected))) : 0n;
  // MAD is 0 for perfectly flat history; a floor of 10% of expected keeps tiny jitter from looking infinite.
  const sigma = Math.max(1.4826 * Number(mad), Number(expected) * 0.1, 1);
  const z = Number(current - expected) / sigma;
  const ratio =
    expected > 0n ? Number(current) / Number(expected) : current > 0n ? Number.POSITIVE_INFINITY : 0;
  const base = { current, expected, ratio, z, samples };
  if (samples < o.minSamples) {
    return { ...base, spike: false, reason: `only ${samples} baseline samples (need ${o.minSamples})` };
  }
  if (current < o.minAmount) {
    return { ...base, spike: false, reason: `below the minimum amount (${current} < ${o.minAmount} nanos)` };
  }
  if (ratio < o.ratio) {
    return { ...base, spike: false, reason: `ratio ${ratio.toFixed(2)} below ${o.ratio}` };
  }
  if (z < o.z) return { ...base, spike: false, reason: `z ${z.toFixed(1)} below ${o.z}` };
  return {
    ...base,
    spike: true,
    reason: `${ratio === Number.POSITIVE_INFINITY ? "new spend" : `${ratio.toFixed(1)}x the seasonal baseline`} (z ${z.toFixed(1)}, ${samples} samples)`,
  };
}

/** Median of bigints; the lower middle for an even count, so it stays an exact integer. */
export function medianBig(values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid]!;
  return (sorted[mid - 1]! + sorted[mid]!) / 2n;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
