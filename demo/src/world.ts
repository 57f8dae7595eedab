import type { ModelSpec } from "./mock-models.ts";
import type { Random } from "./random.ts";

/** The simulated company: its users, the features that call models, and which models they use. */

export const MODELS = {
  gpt4oMini: {
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    ttftMs: 350,
    tokensPerSecond: 90,
    promptCache: true,
    reasoningRatio: 0,
  },
  gpt41: {
    provider: "openai.chat",
    modelId: "gpt-4.1",
    ttftMs: 600,
    tokensPerSecond: 60,
    promptCache: true,
    reasoningRatio: 0,
  },
  o4Mini: {
    provider: "openai.responses",
    modelId: "o4-mini",
    ttftMs: 2500,
    tokensPerSecond: 110,
    promptCache: true,
    reasoningRatio: 3,
  },
  sonnet: {
    provider: "anthropic.messages",
    modelId: "claude-sonnet-4-5",
    ttftMs: 900,
    tokensPerSecond: 55,
    promptCache: true,
    reasoningRatio: 0,
  },
  haiku: {
    provider: "anthropic.messages",
    modelId: "claude-haiku-4-5",
    ttftMs: 400,
    tokensPerSecond: 120,
    promptCache: true,
    reasoningRatio: 0,
  },
  opus: {
    provider: "anthropic.messages",
    modelId: "claude-opus-4-1",
    ttftMs: 1400,
    tokensPerSecond: 35,
    promptCache: true,
    reasoningRatio: 0,
  },
  flash: {
    provider: "google.generative-ai",
    modelId: "gemini-2.5-flash",
    ttftMs: 450,
    tokensPerSecond: 150,
    promptCache: false,
    reasoningRatio: 0.5,
  },
  // A self-hosted fine-tune with no list price: its generations show as unpriced, never as $0.
  llamaFt: {
    provider: "acme-inference.chat",
    modelId: "support-llama-3.1-8b-ft",
    ttftMs: 250,
    tokensPerSecond: 140,
    promptCache: false,
    reasoningRatio: 0,
  },
  embedding: {
    provider: "openai.embedding",
    modelId: "text-embedding-3-small",
    ttftMs: 120,
    tokensPerSecond: 0,
    promptCache: false,
    reasoningRatio: 0,
  },
  image: {
    provider: "openai.image",
    modelId: "gpt-image-1",
    ttftMs: 6000,
    tokensPerSecond: 0,
    promptCache: false,
    reasoningRatio: 0,
  },
} as const satisfies Record<string, ModelSpec>;

/** What a generation is for: its `functionId`, the AI SDK call it makes and the models it uses. */
export type FeatureName =
  | "support-chat"
  | "ticket-summary"
  | "invoice-extraction"
  | "code-review"
  | "research-agent"
  | "semantic-search"
  | "product-images";

export interface Feature {
  name: FeatureName;
  /** Share of all traffic. */
  weight: number;
  models: ReadonlyArray<readonly [ModelSpec, number]>;
}

export const FEATURES: readonly Feature[] = [
  {
    name: "support-chat",
    weight: 34,
    models: [
      [MODELS.gpt4oMini, 50],
      [MODELS.haiku, 30],
      [MODELS.sonnet, 12],
      [MODELS.llamaFt, 8],
    ],
  },
  {
    name: "ticket-summary",
    weight: 20,
    models: [
      [MODELS.flash, 60],
      [MODELS.gpt4oMini, 40],
    ],
  },
  {
    name: "invoice-extraction",
    weight: 12,
    models: [
      [MODELS.gpt41, 70],
      [MODELS.sonnet, 30],
    ],
  },
  {
    name: "code-review",
    weight: 8,
    models: [
      [MODELS.o4Mini, 70],
      [MODELS.sonnet, 30],
    ],
  },
  {
    name: "research-agent",
    weight: 7,
    models: [
      [MODELS.sonnet, 60],
      [MODELS.gpt41, 40],
    ],
  },
  { name: "semantic-search", weight: 14, models: [[MODELS.embedding, 1]] },
  { name: "product-images", weight: 5, models: [[MODELS.image, 1]] },
];

const ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"] as const;
const PLANS = [
  ["free", 55, 0.4],
  ["pro", 35, 1.4],
  ["enterprise", 10, 3],
] as const;

export interface User {
  id: string;
  org: string;
  plan: string;
  /** Relative activity (1 = an average user). */
  activity: number;
  /** Features this user mostly uses. */
  favourites: readonly FeatureName[];
}

/** The user the abuse page should find: scripted extraction at machine speed. */
export const ABUSIVE_USER_ID = "user_kx9q2z";

/** `count` users with a realistic spread of activity. */
export function makeUsers(count: number, random: Random): User[] {
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const [plan, , planActivity] = random.weighted(PLANS.map((p) => [p, p[1]] as const));
    const favourites = [random.weighted(FEATURES.map((f) => [f.name, f.weight] as const))];
    if (random.chance(0.5))
      favourites.push(random.weighted(FEATURES.map((f) => [f.name, f.weight] as const)));
    users.push({
      id: `user_${(i * 7919 + 104729).toString(36).padStart(6, "0")}`,
      org: random.pick(ORGS),
      plan,
      activity: planActivity * random.logNormal(1, 0.7),
      favourites,
    });
  }
  return users;
}

/** Relative traffic by UTC hour: a working day with a lunch dip and a quiet night. */
const HOURLY = [2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 12, 9, 11, 13, 12, 10, 8, 6, 5, 4, 4, 3, 2];

/** One planned generation. */
export interface Planned {
  at: Date;
  user: User;
  feature: Feature;
}

/**
 * A week (or `days`) of traffic ending at `end`: `perUserPerDay` generations per average user per
 * weekday, fewer at weekends and at night, each user mostly on their favourite features.
 */
export function planBackfill(
  users: readonly User[],
  days: number,
  perUserPerDay: number,
  end: Date,
  random: Random,
): Planned[] {
  const planned: Planned[] = [];
  const hourTotal = HOURLY.reduce((a, b) => a + b, 0);
  const start = end.getTime() - days * 86_400_000;
  for (let hour = Math.floor(start / 3_600_000); hour * 3_600_000 < end.getTime(); hour++) {
    const date = new Date(hour * 3_600_000);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 0.35 : 1;
    const hourShare = (HOURLY[date.getUTCHours()]! / hourTotal) * weekend;
    for (const user of users) {
      const expected = perUserPerDay * user.activity * hourShare;
      // Poisson by thinning: whole part plus a chance for the remainder.
      let count = Math.floor(expected) + (random.chance(expected % 1) ? 1 : 0);
      while (count-- > 0) {
        const at = new Date(hour * 3_600_000 + random.int(0, 3_599_999));
        if (at.getTime() <= start || at >= end) continue;
        planned.push({ at, user, feature: pickFeature(user, random) });
      }
    }
  }
  return planned.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** A feature for `user`: usually a favourite, sometimes anything. */
export function pickFeature(user: User, random: Random): Feature {
  const name = random.chance(0.75)
    ? random.pick(user.favourites)
    : random.weighted(FEATURES.map((f) => [f.name, f.weight] as const));
  return FEATURES.find((f) => f.name === name)!;
}
