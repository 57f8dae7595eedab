/** Tuning of {@link detectErrorRateSpike}; every field has a default. */
export interface ErrorRateOptions {
  /** Fewer requests than this in the window: too little to judge. Default 20. */
  minRequests?: number;
  /** Fewer errors than this in the window: never fire. Default 5. */
  minErrors?: number;
  /** The window's error rate must be at least this. Default 0.1 (10%). */
  minRate?: number;
  /** ...and at least `ratio` times the baseline rate. Default 3. */
  ratio?: number;
}

/** Defaults for {@link ErrorRateOptions}. */
export const DEFAULT_ERROR_RATE_OPTIONS: Required<ErrorRateOptions> = {
  minRequests: 20,
  minErrors: 5,
  minRate: 0.1,
  ratio: 3,
};

/** Requests and errors counted over a window. */
export interface ErrorCounts {
  requests: number;
  errors: number;
}

/** What {@link detectErrorRateSpike} concluded. */
export interface ErrorRateVerdict {
  spike: boolean;
  rate: number;
  baselineRate: number;
  reason: string;
}

/**
 * Compares the error rate of a recent window with a longer baseline window (e.g. the previous
 * 24 hours). A baseline without requests counts as rate 0, so a fresh service that starts failing
 * still fires once the absolute floors are met.
 */
export function detectErrorRateSpike(
  current: ErrorCounts,
  baseline: ErrorCounts,
  options: ErrorRateOptions = {},
): ErrorRateVerdict {
  const o = { ...DEFAULT_ERROR_RATE_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, number>)[k] = v;
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isFinite(v) || v < 0)
      throw new RangeError(`error-rate ${k} must be a finite number >= 0, got ${v}`);
  }
  const rate = current.requests > 0 ? current.errors / current.requests : 0;
  const baselineRate = baseline.requests > 0 ? baseline.errors / baseline.requests : 0;
  const base = { rate, baselineRate };
  if (current.requests < o.minRequests) {
    return { ...base, spike: false, reason: `only ${current.requests} requests (need ${o.minRequests})` };
  }
  if (current.errors < o.minErrors) {
    return { ...base, spike: false, reason: `only ${current.errors} errors (need ${o.minErrors})` };
  }
  if (rate < o.minRate) return { ...base, spike: false, reason: `rate ${pct(rate)} below ${pct(o.minRate)}` };
  if (rate < baselineRate * o.ratio) {
    return {
      ...base,
      spike: false,
      reason: `rate ${pct(rate)} under ${o.ratio}x baseline ${pct(baselineRate)}`,
    };
  }
  return {
    ...base,
    spike: true,
    reason: `error rate ${pct(rate)} (${current.errors}/${current.requests}) vs baseline ${pct(baselineRate)}`,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
