import { describe, expect, it } from "vitest";
import { scoreAbuse, type UserActivity } from "./abuse.ts";

const USD = 1_000_000_000n;
const now = new Date("2026-05-01T12:00:00Z");
const old = new Date("2026-01-01T00:00:00Z");

function normal(i: number): UserActivity {
  return {
    userId: `user-${i}`,
    requests: 40 + (i % 7),
    costNanos: USD / 2n + BigInt(i) * 10_000_000n,
    peakPerMinute: 3 + (i % 3),
    baselinePeakPerMinute: 4,
    distinctPrompts: 38 + (i % 7),
    errors: i % 3,
    contentFiltered: 0,
    avgPromptChars: 400 + i * 5,
    firstSeenAt: old,
  };
}

describe("scoreAbuse", () => {
  const peers = Array.from({ length: 30 }, (_, i) => normal(i));

  it("ranks planted abusers first, each with the right signal and evidence", () => {
    const scraper: UserActivity = {
      ...normal(100),
      userId: "scraper",
      requests: 2000,
      peakPerMinute: 200,
      distinctPrompts: 40,
    };
    const jailbreaker: UserActivity = { ...normal(101), userId: "jailbreaker", contentFiltered: 15 };
    const newbie: UserActivity = {
      ...normal(102),
      userId: "newbie",
      costNanos: 40n * USD,
      firstSeenAt: new Date("2026-04-30T00:00:00Z"),
    };
    const ranked = scoreAbuse([...peers, scraper, jailbreaker, newbie], { now });
    expect(
      ranked
        .slice(0, 3)
        .map((r) => r.userId)
        .sort(),
    ).toEqual(["jailbreaker", "newbie", "scraper"]);
    const byUser = new Map(ranked.map((r) => [r.userId, r]));
    const kinds = (u: string) => byUser.get(u)!.signals.map((s) => s.kind);
    expect(kinds("scraper")).toEqual(
      expect.arrayContaining(["rate_vs_self", "rate_vs_peers", "duplicate_prompts"]),
    );
    expect(kinds("jailbreaker")).toContain("content_filter");
    expect(kinds("newbie")).toEqual(expect.arrayContaining(["new_user_high_spend", "spend_share"]));
    expect(byUser.get("scraper")!.signals.find((s) => s.kind === "rate_vs_self")!.evidence).toMatch(
      /200 req\/min/,
    );
    // Normal users carry no signal at all.
    expect(ranked.filter((r) => r.userId.startsWith("user-"))).toEqual([]);
  });

  it("flags prompt-length outliers and error storms", () => {
    const longPrompts: UserActivity = { ...normal(103), userId: "long", avgPromptChars: 50_000 };
    const failing: UserActivity = { ...normal(104), userId: "failing", errors: 30 };
    const ranked = scoreAbuse([...peers, longPrompts, failing], { now });
    expect(ranked.find((r) => r.userId === "long")!.signals[0]!.kind).toBe("prompt_length");
    expect(ranked.find((r) => r.userId === "failing")!.signals[0]!.kind).toBe("error_rate");
  });

  it("does not claim a spend share among a handful of users", () => {
    const few = peers.slice(0, 2);
    expect(scoreAbuse(few, { now })).toEqual([]);
  });
});
