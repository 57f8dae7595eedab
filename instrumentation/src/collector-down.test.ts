import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { generateText } from "ai";
import { afterAll, expect, it, vi } from "vitest";
import { freePort } from "../../test/support/services.ts";
import { withGenerationContext } from "./context.ts";
import { init, shutdown, stats } from "./runtime.ts";
import { chatModel, textResult } from "./test-helpers.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

afterAll(() => shutdown());

it("keeps the application running with bounded memory when the collector is unreachable", async () => {
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const port = await freePort(); // nothing listens there
  init({ endpoint: `http://127.0.0.1:${port}`, exportTimeoutMs: 500, logLevel: "warn", flushOnExit: false });
  const model = chatModel({ doGenerate: textResult("ok") });
  const prompt = "Summarise this paragraph. ".repeat(40); // ~1 KB of prompt per generation

  // Warm up so that module loading and JIT do not count as growth.
  for (let i = 0; i < 200; i++) await generateText({ model, prompt });
  const before = heapAfterGc();
  const started = Date.now();
  const N = 10_000;
  let completed = 0;
  for (let i = 0; i < N; i += 50) {
    const batch = Array.from({ length: 50 }, (_, j) =>
      withGenerationContext({ userId: `u${(i + j) % 100}` }, () => generateText({ model, prompt })),
    );
    completed += (await Promise.all(batch)).filter((r) => r.text === "ok").length;
  }
  const elapsed = Date.now() - started;
  const after = heapAfterGc();

  expect(completed).toBe(N);
  const s = stats();
  expect(s.generations).toBe(N + 200);
  expect(s.exported).toBe(0);
  expect(s.dropped).toBeGreaterThan(0);
  // 4 spans per generation (marker, generation, step, chat); only the bounded queues hold them.
  expect(s.queued).toBeLessThanOrEqual(2048 + 512);
  const growthMb = (after - before) / 1024 / 1024;
  console.info(
    `collector down: ${N} generations in ${elapsed} ms, heap growth ${growthMb.toFixed(1)} MB, dropped ${s.dropped}`,
  );
  expect(growthMb).toBeLessThan(48);
  // Logged once per cause, not once per span.
  const ours = warn.mock.calls.filter((c) => String(c[0]).startsWith("[genledger]"));
  expect(ours.length).toBeGreaterThanOrEqual(1);
  expect(ours.length).toBeLessThanOrEqual(2);
  warn.mockRestore();
}, 120_000);
