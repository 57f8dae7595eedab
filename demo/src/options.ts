import { join } from "node:path";
import { parseArgs } from "node:util";

/**
 * Where `genledger start` keeps the ingest key for local use: in its data directory
 * (GENLEDGER_DATA_DIR, default .genledger), so a demo run with the same environment finds it.
 */
export const DEFAULT_KEY_FILE = join(process.env.GENLEDGER_DATA_DIR || ".genledger", "local-ingest-key");

/** Command-line options of the demo. */
export interface DemoOptions {
  /** Days of history to backfill (0: none). */
  days: number;
  users: number;
  /** Generations per average user per weekday. */
  perUserPerDay: number;
  /** How long to send live traffic after the backfill, seconds (Infinity: until Ctrl-C, 0: none). */
  liveSeconds: number;
  /** Live generations per second. */
  rate: number;
  /** Seconds between live cost spikes. */
  spikeEverySeconds: number;
  /** Simulated calls in flight at once. */
  concurrency: number;
  seed: number;
  /** File holding the ingest key `genledger start` wrote (used when GENLEDGER_API_KEY is unset). */
  keyFile: string;
}

export const DEMO_USAGE = `npm run demo -- [options]   (or: node demo/src/main.ts [options])

SIMULATED traffic: AI SDK mock models (ai/test) through the real genledger instrumentation. No
provider is called; every record carries the metadata demo=simulated.

  --days <n>                 days of history to backfill (default 7; 0 = none)
  --users <n>                simulated users (default 300)
  --per-user-per-day <n>     generations per average user per weekday (default 5)
  --live-seconds <n>         live traffic after the backfill (default: until Ctrl-C; 0 = none)
  --rate <n>                 live generations per second (default 2)
  --spike-every-seconds <n>  seconds between live cost spikes (default 600)
  --concurrency <n>          simulated calls in flight (default 16)
  --seed <n>                 random seed (default 42)
  --key-file <path>          ingest key file when GENLEDGER_API_KEY is unset
                             (default <GENLEDGER_DATA_DIR or .genledger>/local-ingest-key, written by genledger start)

Where spans go: GENLEDGER_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318).
`;

function number(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = raw === "inf" || raw === "forever" ? Number.POSITIVE_INFINITY : Number(raw);
  if (!(value >= min)) throw new Error(`--${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Parses `argv`; throws an Error naming the bad flag. Returns null for `--help`. */
export function parseDemoOptions(argv: string[]): DemoOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      days: { type: "string" },
      users: { type: "string" },
      "per-user-per-day": { type: "string" },
      "live-seconds": { type: "string" },
      rate: { type: "string" },
      "spike-every-seconds": { type: "string" },
      concurrency: { type: "string" },
      seed: { type: "string" },
      "key-file": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  return {
    days: number("days", values.days, 7, 0),
    users: Math.floor(number("users", values.users, 300, 1)),
    perUserPerDay: number("per-user-per-day", values["per-user-per-day"], 5, 0),
    liveSeconds: number("live-seconds", values["live-seconds"], Number.POSITIVE_INFINITY, 0),
    rate: number("rate", values.rate, 2, 0.01),
    spikeEverySeconds: number("spike-every-seconds", values["spike-every-seconds"], 600, 1),
    concurrency: Math.floor(number("concurrency", values.concurrency, 16, 1)),
    seed: Math.floor(number("seed", values.seed, 42, 0)),
    keyFile: values["key-file"] ?? DEFAULT_KEY_FILE,
  };
}
