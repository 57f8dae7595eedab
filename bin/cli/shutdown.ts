/**
 * Resolves with the signal on the first SIGINT or SIGTERM. A second one while shutting down
 * exits at once (code 130): what the spool holds is kept on disk for the next start.
 */
export function waitForShutdownSignal(say: (line: string) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        say(
          `${signal} again: exiting now; accepted data not yet written stays in the spool for the next start`,
        );
        process.exit(130);
      }
      received = true;
      say(
        `${signal}: shutting down gracefully (writing what the spool holds; ${signal} again to exit at once)`,
      );
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** One named shutdown step. */
export type Step = readonly [name: string, run: () => Promise<unknown>];

/** Runs the shutdown steps in order; a failing step is reported and the next still runs. */
export async function runSteps(
  steps: readonly Step[],
  report: (name: string, error: unknown) => void,
  done: (name: string, ms: number) => void = () => {},
): Promise<boolean> {
  let clean = true;
  for (const [name, step] of steps) {
    const started = performance.now();
    try {
      await step();
      done(name, Math.round(performance.now() - started));
    } catch (error) {
      clean = false;
      report(name, error);
    }
  }
  return clean;
}
