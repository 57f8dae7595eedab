// Per-generation overhead of @genledger/instrumentation against bare @ai-sdk/otel.
//
//   node bench/instrumentation.ts [--rounds 15] [--n 400] [--write]
//
// One process, one mock provider (instant: the ratio is pure CPU overhead; a real provider's
// latency would dwarf it). Each round runs every configuration back to back on the same workload,
// in rotating order; the report gives medians over rounds of CPU time per generation. Both instrumented configurations export
// through a batch processor to the same no-op sink, so serialization and network are left out of
// both. `--write` replaces the "Instrumentation" section of BENCHMARKS.md.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { OpenTelemetry } from "@ai-sdk/otel";
import { init, stats, withGenerationContext } from "@genledger/instrumentation";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { generateText, streamText, type Telemetry } from "ai";
import { MockLanguageModelV4 } from "ai/test";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROUNDS = arg("rounds", 15);
const N = arg("n", 400);

/** Accepts every batch at once: measures the pipeline, not a network. */
class NoopExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

// Bare: the AI SDK's own GenAI-convention integration on a standard batch pipeline.
const bareSink = new NoopExporter();
const bareProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: bareSink })] });
const bare = new OpenTelemetry({
  tracer: bareProvider.getTracer("gen_ai"),
  usage: true,
}) as unknown as Telemetry;

// genledger: the one-import setup (registered globally), exporting to the same kind of sink.
const oursSink = new NoopExporter();
init({ exporter: oursSink, logLevel: "warn", flushOnExit: false });

const prompt = "Summarise the customer's message and propose a reply. ".repeat(20);
const usage = {
  inputTokens: { total: 300, noCache: 300, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 40, text: 40, reasoning: 0 },
};
const model = new MockLanguageModelV4({
  provider: "openai.chat",
  modelId: "gpt-4o-mini",
  doGenerate: async () => ({
    content: [{ type: "text", text: "Thanks for reaching out. Here is what we can do." }],
    finishReason: { unified: "stop", raw: "stop" },
    usage,
    warnings: [],
  }),
  doStream: async () => ({
    stream: new ReadableStream({
      start(controller) {
        controller.enqueue({ type: "stream-start", warnings: [] });
        controller.enqueue({ type: "text-start", id: "t" });
        for (const word of "Thanks for reaching out. Here is what we can do for you today.".split(" ")) {
          controller.enqueue({ type: "text-delta", id: "t", delta: `${word} ` });
        }
        controller.enqueue({ type: "text-end", id: "t" });
        controller.enqueue({ type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage });
        controller.close();
      },
    }),
  }),
});

type Mode = "off" | "bare" | "genledger";
const telemetryFor = (mode: Mode) =>
  mode === "off" ? { isEnabled: false } : mode === "bare" ? { integrations: [bare] } : undefined;

const workloads = {
  generateText: (mode: Mode) => generateText({ model, prompt, telemetry: telemetryFor(mode) }),
  streamText: (mode: Mode) => streamText({ model, prompt, telemetry: telemetryFor(mode) }).consumeStream(),
};

// CPU time of this process (user + system, all threads), not wall time: the benchmark machine is
// shared, and other processes' load would otherwise swamp a difference of a few percent.
async function measure(run: () => PromiseLike<unknown>): Promise<number> {
  // The mock keeps every call's parameters; without this the heap (and GC) grows round after round.
  model.doGenerateCalls.length = 0;
  model.doStreamCalls.length = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < N; i++) await withGenerationContext({ userId: `user-${i % 50}` }, run);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / N; // CPU µs per generation
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.ceil(at)]! - s[lo]!) * (at - lo);
};
const median = (xs: number[]) => quantile(xs, 0.5);
const loadBefore = loadavg()[0]!;

const modes: Mode[] = ["off", "bare", "genledger"];
const results: Record<string, Record<Mode, number[]>> = {};
for (const [name, workload] of Object.entries(workloads)) {
  results[name] = { off: [], bare: [], genledger: [] };
  for (const mode of modes) await measure(() => workload(mode)); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
    for (const mode of order) results[name]![mode].push(await measure(() => workload(mode)));
  }
}

const lines = [
  "| workload (CPU time per generation) | no telemetry | bare @ai-sdk/otel | genledger | genledger / bare (p25-p75 of rounds) | added per generation |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
];
for (const [name, r] of Object.entries(results)) {
  const off = median(r.off);
  const b = median(r.bare);
  const g = median(r.genledger);
  // Each round runs bare and genledger back to back: the median of per-round ratios resists drift.
  const ratios = r.genledger.map((x, i) => x / r.bare[i]!);
  const spread = `${quantile(ratios, 0.25).toFixed(2)}-${quantile(ratios, 0.75).toFixed(2)}`;
  lines.push(
    `| ${name} | ${off.toFixed(0)} µs | ${b.toFixed(0)} µs | ${g.toFixed(0)} µs | **${median(ratios).toFixed(3)}x** (${spread}) | ${(g - b).toFixed(0)} µs |`,
  );
}
const s = stats();
const section = [
  "## Instrumentation",
  "",
  "Per-generation cost of `@genledger/instrumentation` (generation span attributes, pending marker span,",
  "call-time cost, context, stream tap, bounded export queues) against bare `@ai-sdk/otel` with a",
  "`BatchSpanProcessor`, both exporting to a no-op sink; mock provider, so this is CPU overhead only.",
  `CPU time (user + system) per generation; medians of ${ROUNDS} rounds x ${N} sequential generations per`,
  "configuration, all in one run, configurations rotating within each round; the ratio is the median of",
  "the per-round ratios.",
  "Goal: genledger / bare <= 1.15x.",
  "",
  ...lines,
  "",
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, load average ` +
    `${loadBefore.toFixed(1)} before / ${loadavg()[0]!.toFixed(1)} after (other work shares the CPUs: compare the spread). ` +
    `genledger exported ${s.exported} spans, dropped ${s.dropped}.`,
  "",
  "Reading: genledger adds to each generation a pending-marker span, about 20 attributes on the",
  "generation span, a price lookup and (for streams) a pass-through tap on the provider stream; the",
  "rest is the AI SDK and `@ai-sdk/otel`, which both configurations run. A real provider call costs far",
  "more CPU (TLS, HTTP, JSON) than this mock, so the relative overhead in production is smaller. On",
  "this shared 2-core machine the per-round ratios spread widely (see p25-p75); rerun on a quiet one.",
  "",
  "Command:",
  "",
  "```sh",
  `node bench/instrumentation.ts --rounds ${ROUNDS} --n ${N} --write`,
  "```",
  "",
].join("\n");
console.log(section);

if (process.argv.includes("--write")) {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "# Benchmarks\n\n";
  }
  const start = text.indexOf("## Instrumentation");
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + 1);
    text = text.slice(0, start) + section + (next < 0 ? "" : `\n${text.slice(next + 1)}`);
  }
  writeFileSync(path, text);
}
await bareProvider.shutdown();
process.exit(0);
