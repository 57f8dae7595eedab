import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Simulated time for the backfill. OpenTelemetry stamps a span with `Date.now()` when it starts
 * and adds the `performance.now()` elapsed when it ends, so running a call inside {@link atTime}
 * makes every span of that call (the pending marker, the generation, its steps and tools) carry a
 * past start time, and {@link pause} adds latency without waiting. The spans still go through the
 * real instrumentation and the real OTLP exporter; only the clock is simulated, and only inside the
 * demo process, inside these calls: everything else sees the real clock.
 */
interface Shift {
  /** Milliseconds added to `Date.now()`. */
  offsetMs: number;
  /** Simulated waiting so far, added to both clocks. */
  skewMs: number;
}

const shifts = new AsyncLocalStorage<Shift>();
const realDateNow = Date.now.bind(Date);
const realPerformanceNow = performance.now.bind(performance);
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  Date.now = () => {
    const shift = shifts.getStore();
    return realDateNow() + (shift ? shift.offsetMs + shift.skewMs : 0);
  };
  // Only the simulated waiting shifts the monotonic clock, so it never runs backwards.
  performance.now = () => realPerformanceNow() + (shifts.getStore()?.skewMs ?? 0);
}

/** Runs `fn` as if it started at `at`; calls made inside it are timestamped from there. */
export function atTime<T>(at: Date, fn: () => T): T {
  install();
  return shifts.run({ offsetMs: at.getTime() - realDateNow(), skewMs: 0 }, fn);
}

/** True inside {@link atTime}. */
export function isSimulated(): boolean {
  return shifts.getStore() !== undefined;
}

/**
 * Waits `ms`: for real in live traffic, instantly in simulated time (the clocks jump ahead, so
 * latency and time to first token still come out as `ms`).
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  const shift = shifts.getStore();
  if (shift) {
    shift.skewMs += ms;
    await Promise.resolve();
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** The real current time, whatever the simulation says. */
export function realNow(): number {
  return realDateNow();
}
