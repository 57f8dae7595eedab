/**
 * Abuse scoring from explainable signals. Each signal is a plain comparison with a threshold
 * (against the user's own history or the peer median), and carries the numbers that fired it,
 * so a reviewer can check the claim in one glance and follow the link to the generations.
 */

/** Per-user activity over the scoring window (and a little history), as the abuse query returns it. */
export interface UserActivity {
  userId: string;
  requests: number;
  costNanos: bigint;
  /** Highest request count in any one minute of the window. */
  peakPerMinute: number;
  /** The user's own highest per-minute count in the baseline period before the window; 0 when none. */
  baselinePeakPerMinute: number;
  /** Distinct prompts (by hash) among the window's requests. */
  distinctPrompts: number;
  errors: number;
  /** Requests that ended with finish reason `content-filter`. */
  contentFiltered: number;
  /** Average prompt size in characters. */
  avgPromptChars: number;
  /** First generation of this user ever seen. */
  firstSeenAt: Date;
}

/** The signals, in the order they are shown. */
export const ABUSE_SIGNALS = [
  "rate_vs_self",
  "rate_vs_peers",
  "spend_share",
  "duplicate_prompts",
  "error_rate",
  "content_filter",
  "prompt_length",
  "new_user_high_spend",
] as const;
/** One of {@link ABUSE_SIGNALS}. */
export type AbuseSignalKind = (typeof ABUSE_SIGNALS)[number];

/** One signal that fired, with its evidence. */
export interface AbuseSignal {
  kind: AbuseSignalKind;
  /** The measured value (a rate, ratio or count, as `evidence` says). */
  value: number;
  /** The threshold it was compared with. */
  threshold: number;
  /** Points added to the score: weight x min(2, value / threshold). */
  points: number;
  /** A sentence with the numbers, for the page and the alert. */
  evidence: string;
}

/** A user's score and the signals behind it. */
export interface AbuseScore {
  userId: string;
  score: number;
  costNanos: bigint;
  requests: number;
  signals: AbuseSignal[];
}

/** Thresholds and weights of {@link scoreAbuse}; every field has a default. */
export interface AbuseOptions {
  /** "now", for the new-user rule. */
  now?: Date;
  /** Peak must be at least this many requests per minute for either rate signal. Default 20. */
  minPeakPerMinute?: number;
  /** Peak vs the user's own baseline peak. Default 5. */
  selfRateRatio?: number;
  /** Peak vs the peer median peak. Default 10. */
  peerRateRatio?: number;
  /** Share of the window's total spend. Default 0.2. */
  spendShare?: number;
  /** Spend share and new-user rules need at least this many active users. Default 5. */
  minUsersForShare?: number;
  /** Floor for spend-based signals (nano-dollars). Default 1 USD. */
  minCostNanos?: bigint;
  /** Rate-like signals need at least this many requests. Default 20. */
  minRequests?: number;
  /** Duplicate ratio = 1 - distinct / requests. Default 0.5. */
  duplicateRatio?: number;
  /** Error rate. Default 0.25. */
  errorRate?: number;
  /** Content-filter rate, and at least 3 such requests. Default 0.05. */
  contentFilterRate?: number;
  /** Average prompt size vs peer median. Default 5. */
  promptLengthRatio?: number;
  /** ...and at least this many characters. Default 2000. */
  minPromptChars?: number;
  /** A user first seen less than this many days ago is new. Default 7. */
  newUserDays?: number;
  /** New user's spend vs the peer median spend. Default 5. */
  newUserSpendRatio?: number;
  /** Points per signal (before the strength factor). */
  weights?: Partial<Record<AbuseSignalKind, number>>;
}

const DEFAULT_WEIGHTS: Record<AbuseSignalKind, number> = {
  rate_vs_self: 20,
  rate_vs_peers: 20,
  spend_share: 15,
  duplicate_prompts: 15,
  error_rate: 10,
  content_filter: 20,
  prompt_length: 10,
  new_user_high_spend: 15,
};

/**
 * Scores every user with at least one signal; returns them highest score first (ties: higher spend).
 * Peer medians are taken over all users passed in, so pass every active user of the window.
 */
export function scoreAbuse(users: readonly UserActivity[], options: AbuseOptions = {}): AbuseScore[] {
  const o = {
    now: options.now ?? new Date(),
    minPeakPerMinute: options.minPeakPerMinute ?? 20,
    selfRateRatio: options.selfRateRatio ?? 5,
    peerRateRatio: options.peerRateRatio ?? 10,
    spendShare: options.spendShare ?? 0.2,
    minUsersForShare: options.minUsersForShare ?? 5,
    minCostNanos: options.minCostNanos ?? 1_000_000_000n,
    minRequests: options.minRequests ?? 20,
    duplicateRatio: options.duplicateRatio ?? 0.5,
    errorRate: options.errorRate ?? 0.25,
    contentFilterRate: options.contentFilterRate ?? 0.05,
    promptLengthRatio: options.promptLengthRatio ?? 5,
    minPromptChars: options.minPromptChars ?? 2000,
    newUserDays: options.newUserDays ?? 7,
    newUserSpendRatio: options.newUserSpendRatio ?? 5,
  };
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const totalCost = users.reduce((sum, u) => sum + u.costNanos, 0n);
  const medianPeak = Math.max(1, median(users.map((u) => u.peakPerMinute)));
  const medianPrompt = Math.max(1, median(users.map((u) => u.avgPromptChars)));
  const medianCost = median(users.map((u) => Number(u.costNanos)));
  const newSince = o.now.getTime() - o.newUserDays * 86_400_000;
  const manyUsers = users.length >= o.minUsersForShare;

  const scores: AbuseScore[] = [];
  for (const u of users) {
    const signals: AbuseSignal[] = [];
    const add = (kind: AbuseSignalKind, value: number, threshold: number, evidence: string) => {
      const strength = threshold > 0 ? Math.min(2, value / threshold) : 2;
      signals.push({ kind, value, threshold, points: round1(weights[kind] * strength), evidence });
    };
    const enoughRequests = u.requests >= o.minRequests;
    if (u.peakPerMinute >= o.minPeakPerMinute && u.baselinePeakPerMinute > 0) {
      const r = u.peakPerMinute / u.baselinePeakPerMinute;
      if (r >= o.selfRateRatio) {
        add(
          "rate_vs_self",
          r,
          o.selfRateRatio,
          `peak ${u.peakPerMinute} req/min vs own earlier peak ${u.baselinePeakPerMinute} req/min (${r.toFixed(1)}x)`,
        );
      }
    }
    if (u.peakPerMinute >= o.minPeakPerMinute) {
      const r = u.peakPerMinute / medianPeak;
      if (r >= o.peerRateRatio) {
        add(
          "rate_vs_peers",
          r,
          o.peerRateRatio,
          `peak ${u.peakPerMinute} req/min vs peer median ${medianPeak} req/min (${r.toFixed(1)}x)`,
        );
      }
    }
    if (manyUsers && totalCost > 0n && u.costNanos >= o.minCostNanos) {
      const share = Number((u.costNanos * 10_000n) / totalCost) / 10_000;
      if (share >= o.spendShare) {
        add(
          "spend_share",
          share,
          o.spendShare,
          `${pct(share)} of all spend in the window (${users.length} users)`,
        );
      }
    }
    if (enoughRequests) {
      const dup = 1 - Math.min(u.distinctPrompts, u.requests) / u.requests;
      if (dup >= o.duplicateRatio) {
        add(
          "duplicate_prompts",
          dup,
          o.duplicateRatio,
          `${pct(dup)} duplicate prompts (${u.distinctPrompts} distinct of ${u.requests})`,
        );
      }
      const err = u.errors / u.requests;
      if (err >= o.errorRate) {
        add("error_rate", err, o.errorRate, `${pct(err)} of requests failed (${u.errors} of ${u.requests})`);
      }
    }
    if (u.requests > 0 && u.contentFiltered >= 3) {
      const cf = u.contentFiltered / u.requests;
      if (cf >= o.contentFilterRate) {
        add(
          "content_filter",
          cf,
          o.contentFilterRate,
          `${pct(cf)} hit the content filter (${u.contentFiltered} of ${u.requests})`,
        );
      }
    }
    if (u.avgPromptChars >= o.minPromptChars) {
      const r = u.avgPromptChars / medianPrompt;
      if (r >= o.promptLengthRatio) {
        add(
          "prompt_length",
          r,
          o.promptLengthRatio,
          `average prompt ${Math.round(u.avgPromptChars)} chars vs peer median ${Math.round(medianPrompt)} (${r.toFixed(1)}x)`,
        );
      }
    }
    if (manyUsers && u.firstSeenAt.getTime() >= newSince && u.costNanos >= o.minCostNanos) {
      const r = medianCost > 0 ? Number(u.costNanos) / medianCost : Number.POSITIVE_INFINITY;
      if (r >= o.newUserSpendRatio) {
        const days = Math.max(0, (o.now.getTime() - u.firstSeenAt.getTime()) / 86_400_000);
        add(
          "new_user_high_spend",
          Number.isFinite(r) ? r : o.newUserSpendRatio * 2,
          o.newUserSpendRatio,
          `first seen ${days.toFixed(1)} days ago, spend ${Number.isFinite(r) ? `${r.toFixed(1)}x` : "far above"} the peer median`,
        );
      }
    }
    if (signals.length === 0) continue;
    const score = round1(signals.reduce((s, x) => s + x.points, 0));
    scores.push({ userId: u.userId, score, costNanos: u.costNanos, requests: u.requests, signals });
  }
  return scores.sort(
    (a, b) => b.score - a.score || (b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : 0),
  );
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
