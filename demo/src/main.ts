#!/usr/bin/env node
// Order matters: the local ingest key must be in the environment before the instrumentation reads it.
import "./ingest-key.ts";
import "@genledger/instrumentation/register";
import { flush, stats } from "@genledger/instrumentation";
import { closeGuards } from "./guards.ts";
import { DEMO_USAGE, parseDemoOptions } from "./options.ts";
import { createRandom } from "./random.ts";
import { newTally, plannedIncidents, runBackfill, runLive, type Tally, total } from "./traffic.ts";
import { ABUSIVE_USER_ID, makeUsers, planBackfill } from "./world.ts";

// Simulated calls trip the AI SDK's warnings on purpose (content filters, aborts): keep the output readable.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const dropNote = () => {
  const { droppedQueueFull, droppedExportFailed } = stats();
  return droppedQueueFull + droppedExportFailed === 0
    ? ""
    : ` (spans dropped: ${fmt(droppedQueueFull)} queue full, ${fmt(droppedExportFailed)} export failed)`;
};
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
const fmt = (n: number) => n.toLocaleString("en-US");
const describe = (t: Tally) =>
  `${fmt(total(t))} generations (${fmt(t.complete)} complete, ${fmt(t.error)} errors, ${fmt(t.aborted)} aborted)`;

let options: ReturnType<typeof parseDemoOptions>;
try {
  options = parseDemoOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n\n${DEMO_USAGE}`);
  process.exit(2);
}
if (options === null) {
  process.stdout.write(DEMO_USAGE);
  process.exit(0);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    say(`${signal}: finishing the calls in flight, then flushing (again to quit at once)`);
  });
}

const endpoint =
  process.env.GENLEDGER_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT || "http://localhost:4318";
say(
  "SIMULATED traffic: AI SDK mock models, no provider is called; every record has metadata demo=simulated.",
);
say(
  `sending to ${endpoint}${process.env.GENLEDGER_API_KEY ? " with an ingest key" : " without an ingest key"}`,
);

const random = createRandom(options.seed);
const users = makeUsers(options.users, random);
const started = Date.now();
const all = newTally();
const add = (t: Tally) => {
  all.complete += t.complete;
  all.error += t.error;
  all.aborted += t.aborted;
};

if (options.days > 0 && options.perUserPerDay > 0) {
  const end = new Date();
  const planned = [
    ...planBackfill(users, options.days, options.perUserPerDay, end, random),
    ...plannedIncidents(users, options.days, end, random),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  say(
    `backfill: ${options.days} days, ${fmt(options.users)} users, ${fmt(planned.length)} generations at their past times`,
  );
  const tally = await runBackfill(planned, {
    concurrency: options.concurrency,
    random,
    // Both export queues together stay well under the smaller one (pending markers, 512 spans).
    backpressure: { queued: () => stats().queued, highWater: 250, flush },
    onProgress: (done) => say(`  ${fmt(done)} / ${fmt(planned.length)}${dropNote()}`),
    stopped: () => stopping,
  });
  add(tally);
  await flush();
  say(`backfill done: ${describe(tally)} in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (options.liveSeconds > 0 && !stopping) {
  const forever = options.liveSeconds === Number.POSITIVE_INFINITY;
  say(
    `live: ~${options.rate}/s from ${fmt(users.length)} users, abusive user ${ABUSIVE_USER_ID} every few seconds, a cost spike every ${options.spikeEverySeconds} s` +
      (forever ? " (Ctrl-C to stop)" : ` for ${options.liveSeconds} s`),
  );
  const tally = await runLive(users, {
    seconds: options.liveSeconds,
    rate: options.rate,
    spikeEverySeconds: options.spikeEverySeconds,
    random,
    stopped: () => stopping,
    onSpike: () => say("cost spike: a minute of very large research-agent calls"),
  });
  add(tally);
  say(`live done: ${describe(tally)}`);
}

await flush();
await closeGuards();
const s = stats();
say(`sent ${describe(all)}; exporter: ${fmt(s.exported)} spans exported, ${fmt(s.dropped)} dropped`);
process.exit(s.dropped > 0 ? 1 : 0);
