import { type Call, type Outcome, simulate } from "./calls.ts";
import { atTime, pause, realNow } from "./clock.ts";
import type { Random } from "./random.ts";
import { ABUSIVE_USER_ID, FEATURES, MODELS, type Planned, pickFeature, type User } from "./world.ts";

/** Counts of what the demo sent. */
export type Tally = Record<Outcome, number>;

export const newTally = (): Tally => ({ complete: 0, error: 0, aborted: 0 });
export const total = (t: Tally) => t.complete + t.error + t.aborted;

/** Hooks into the exporter, so the backfill never outruns it (a full queue drops spans). */
export interface Backpressure {
  /** Spans waiting for export. */
  queued(): number;
  /** Above this many queued spans the backfill exports them and waits. */
  highWater: number;
  /** Exports what is queued now. */
  flush(): Promise<void>;
}

const research = FEATURES.find((f) => f.name === "research-agent")!;
const support = FEATURES.find((f) => f.name === "support-chat")!;

/** The abusive user: a scraper on an expensive model, in bursts. */
export function abusiveUser(): User {
  return { id: ABUSIVE_USER_ID, org: "unknown", plan: "free", activity: 0, favourites: ["support-chat"] };
}

function abusiveCall(user: User): Call {
  return { user, feature: support, model: MODELS.sonnet, abusive: true };
}

function spikeCall(users: readonly User[], random: Random): Call {
  return {
    user: random.pick(users.slice(0, 5)),
    feature: research,
    model: random.pick([MODELS.opus, MODELS.gpt41]),
    spike: true,
  };
}

/**
 * Extra history on top of the normal plan: one cost spike three days ago, and the abusive user's
 * bursts over the last two days, so the abuse and alert pages have a past.
 */
export function plannedIncidents(
  users: readonly User[],
  days: number,
  end: Date,
  random: Random,
): Array<Planned & { call: Call }> {
  const out: Array<Planned & { call: Call }> = [];
  if (days >= 3) {
    const spikeStart = end.getTime() - 3 * 86_400_000 + 14 * 3_600_000;
    for (let i = 0; i < 40; i++) {
      const call = spikeCall(users, random);
      out.push({
        at: new Date(spikeStart + random.int(0, 20 * 60_000)),
        user: call.user,
        feature: call.feature,
        call,
      });
    }
  }
  const abuser = abusiveUser();
  for (let day = Math.min(days, 2); day > 0; day--) {
    const burst = end.getTime() - day * 86_400_000 + random.int(1, 20) * 3_600_000;
    for (let i = 0; i < 150; i++) {
      const at = new Date(Math.min(burst + i * random.int(2_000, 6_000), end.getTime() - 1));
      out.push({ at, user: abuser, feature: support, call: abusiveCall(abuser) });
    }
  }
  return out;
}

/**
 * Replays `planned` generations in simulated time (each at its own past timestamp), `concurrency`
 * at a time, waiting for the exporter when its queue fills up.
 */
export async function runBackfill(
  planned: ReadonlyArray<Planned & { call?: Call }>,
  options: {
    concurrency: number;
    random: Random;
    backpressure: Backpressure;
    onProgress: (done: number) => void;
    stopped: () => boolean;
  },
): Promise<Tally> {
  const tally = newTally();
  let next = 0;
  let done = 0;
  let flushing: Promise<void> | undefined;
  const worker = async () => {
    while (next < planned.length && !options.stopped()) {
      const item = planned[next++]!;
      // One worker flushes; the others wait for the queue to drain rather than pile on.
      while (options.backpressure.queued() > options.backpressure.highWater) {
        flushing ??= options.backpressure.flush().finally(() => {
          flushing = undefined;
        });
        await flushing;
      }
      const call = item.call ?? { user: item.user, feature: item.feature };
      tally[await atTime(item.at, () => simulate(call, options.random))]++;
      if (++done % 250 === 0) options.onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return tally;
}

/**
 * Live traffic until `stopped()` or `seconds` pass: `rate` generations per second from the normal
 * users, the abusive user every few seconds, and a one-minute cost spike every `spikeEverySeconds`.
 */
export async function runLive(
  users: readonly User[],
  options: {
    seconds: number;
    rate: number;
    spikeEverySeconds: number;
    random: Random;
    stopped: () => boolean;
    onSpike: () => void;
  },
): Promise<Tally> {
  const { random } = options;
  const tally = newTally();
  const inFlight = new Set<Promise<void>>();
  const launch = (call: Call) => {
    const p = simulate(call, random).then((outcome) => {
      tally[outcome]++;
      inFlight.delete(p);
    });
    inFlight.add(p);
  };
  const weights = users.map((u) => [u, u.activity] as const);
  const abuser = abusiveUser();
  const start = realNow();
  let nextSpike = start + Math.min(options.spikeEverySeconds, 60) * 1000;
  let spikeUntil = 0;
  let nextAbuse = start;
  while (!options.stopped() && realNow() - start < options.seconds * 1000) {
    const now = realNow();
    const user = random.weighted(weights);
    launch({ user, feature: pickFeature(user, random) });
    if (now >= nextAbuse) {
      launch(abusiveCall(abuser));
      nextAbuse = now + random.int(2_000, 8_000);
    }
    if (now >= nextSpike) {
      spikeUntil = now + 60_000;
      nextSpike = now + options.spikeEverySeconds * 1000;
      options.onSpike();
    }
    if (now < spikeUntil) launch(spikeCall(users, random));
    // Exponential gaps: Poisson arrivals at `rate` per second.
    await pause(Math.min(-Math.log(1 - random.next()) / options.rate, 10) * 1000);
  }
  await Promise.all(inFlight);
  return tally;
}
