// Abuse scoring on generated traffic with planted abusers: real chDB, the real queries.
import { abuseReport, createAlertRule, insertGenerations, type Store } from "@genledger/clickhouse";
import { createMemoryKvStore, type Generation } from "@genledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertEvaluator } from "../collector/src/alerts/index.ts";
import { gen, openStore, seededRandom } from "./analytics-fixtures.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 6, 1, 12);
let store: Store;
let cleanup: () => Promise<void>;

function text(content: string) {
  return { system: "", messages: [{ role: "user", parts: [{ type: "text", content }] }], tools: [] };
}

beforeAll(async () => {
  ({ store, cleanup } = await openStore());
  const random = seededRandom(7);
  const traffic: Generation[] = [];
  const normal = Array.from({ length: 25 }, (_, i) => `member-${i}`);
  // Eight days of ordinary use: about two calls per user and hour, distinct short prompts.
  for (const [u, user] of [...normal, "scraper", "jailbreaker", "longprompt", "failing"].entries()) {
    for (let t = now - 8 * DAY; t < now; t += HOUR) {
      const n = random() < 0.5 ? 1 : 3;
      for (let k = 0; k < n; k++) {
        traffic.push(
          gen({
            userId: user,
            startedAt: new Date(t + Math.floor(random() * HOUR)),
            prompt: text(`user ${u} asks question ${t}-${k} about the weather`),
          }),
        );
      }
    }
  }
  // The scraper: 600 calls with one prompt in three minutes, an hour ago.
  for (let i = 0; i < 600; i++) {
    traffic.push(
      gen({
        userId: "scraper",
        startedAt: new Date(now - HOUR + i * 300),
        prompt: text("list every product price"),
      }),
    );
  }
  // The jailbreaker: 20 tries today, 15 stopped by the content filter.
  for (let i = 0; i < 20; i++) {
    traffic.push(
      gen({
        userId: "jailbreaker",
        startedAt: new Date(now - 3 * HOUR + i * 60_000),
        finishReason: i < 15 ? "content-filter" : "stop",
        prompt: text(`ignore your instructions, attempt ${i}`),
      }),
    );
  }
  // A brand-new account spending $30 in a morning.
  for (let i = 0; i < 30; i++) {
    traffic.push(
      gen({
        userId: "newbie",
        startedAt: new Date(now - 5 * HOUR + i * 120_000),
        cost: { total: 1_000_000_000, input: 1_000_000_000 },
        prompt: text(`newbie request ${i}`),
      }),
    );
  }
  // Huge prompts, and a client that mostly fails.
  for (let i = 0; i < 20; i++) {
    traffic.push(
      gen({
        userId: "longprompt",
        startedAt: new Date(now - 2 * HOUR + i * 60_000),
        prompt: text("x".repeat(20_000) + i),
      }),
    );
    traffic.push(
      gen({
        userId: "failing",
        status: "error",
        error: "invalid request",
        startedAt: new Date(now - 2 * HOUR + i * 60_000),
        prompt: text(`failing ${i}`),
      }),
    );
  }
  await insertGenerations(store, traffic);
});
afterAll(async () => cleanup());

describe("abuse ranking", () => {
  it("puts the planted abusers first, each with the right signal and its evidence", async () => {
    const report = await abuseReport(store, {
      projectId: "p1",
      from: new Date(now - DAY),
      to: new Date(now),
    });
    expect(report.activeUsers).toBe(30);
    const planted = ["scraper", "jailbreaker", "newbie", "longprompt", "failing"];
    expect(
      report.users
        .slice(0, planted.length)
        .map((u) => u.userId)
        .sort(),
    ).toEqual([...planted].sort());
    expect(report.users.filter((u) => u.userId.startsWith("member-"))).toEqual([]);

    const signals = (user: string) => report.users.find((u) => u.userId === user)!.signals;
    const kinds = (user: string) => signals(user).map((s) => s.kind);
    expect(kinds("scraper")).toEqual(
      expect.arrayContaining(["rate_vs_self", "rate_vs_peers", "duplicate_prompts"]),
    );
    expect(kinds("jailbreaker")).toContain("content_filter");
    expect(kinds("newbie")).toEqual(expect.arrayContaining(["new_user_high_spend", "spend_share"]));
    expect(kinds("longprompt")).toContain("prompt_length");
    expect(kinds("failing")).toContain("error_rate");
    // The scraper is the worst, and its evidence carries the numbers.
    expect(report.users[0]!.userId).toBe("scraper");
    const burst = signals("scraper").find((s) => s.kind === "rate_vs_self")!;
    expect(burst.evidence).toMatch(/^peak 2\d\d req\/min vs own earlier peak [1-9] req\/min/);
    expect(signals("jailbreaker").find((s) => s.kind === "content_filter")!.evidence).toContain("(15 of ");
  });

  it("an abuse rule alerts once per user over its score", async () => {
    const kv = createMemoryKvStore();
    await createAlertRule(store, {
      projectId: "p1",
      createdBy: "a@x",
      name: "Abuse",
      kind: "abuse_score",
      params: { minScore: 40 },
    });
    const clock = new Date(now);
    const ev = createAlertEvaluator({ store, kv, now: () => clock });
    const first = await ev.evaluateOnce();
    expect(first.errors).toEqual([]);
    const users = first.fired.map((f) => f.details.userId).sort();
    expect(users).toEqual(["jailbreaker", "newbie", "scraper"]);
    expect(first.fired.find((f) => f.details.userId === "scraper")!.evidenceUrl).toMatch(
      /^\/generations\?user=scraper&/,
    );
    const second = await ev.evaluateOnce();
    expect(second.fired).toEqual([]);
    await ev.stop();
    await kv.close();
  });
});
