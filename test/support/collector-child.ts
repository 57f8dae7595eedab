import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A collector child process started by {@link startCollectorChild}. */
export interface CollectorChild {
  /** `http://127.0.0.1:<port>/v1/traces` */
  tracesUrl: string;
  process: ChildProcess;
  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill: () => Promise<void>;
  /** SIGTERM: graceful shutdown that drains the spool into the store; resolves when exited. */
  drain: () => Promise<{ drained: boolean }>;
}

/** Starts test/support/collector-crash-child.ts over the given data and spool directories. */
export async function startCollectorChild(env: {
  dataDir: string;
  spoolDir: string;
  ingestKey: string;
  projectId: string;
}): Promise<CollectorChild> {
  const script = fileURLToPath(new URL("./collector-crash-child.ts", import.meta.url));
  const child = spawn(process.execPath, [script], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CHILD_DATA_DIR: env.dataDir,
      CHILD_SPOOL_DIR: env.spoolDir,
      CHILD_INGEST_KEY: env.ingestKey,
      CHILD_PROJECT: env.projectId,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`collector child did not start within 60 s: ${stderr}`)),
      60_000,
    );
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`collector child exited during start: ${stderr}`));
    });
    const poll = setInterval(() => {
      const match = /READY (\d+)/.exec(stdout);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    }, 5);
    void exited.then(() => clearInterval(poll));
  });
  return {
    tracesUrl: `http://127.0.0.1:${port}/v1/traces`,
    process: child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    drain: async () => {
      child.kill("SIGTERM");
      await exited;
      const match = /DRAINED (.*)/.exec(stdout);
      if (!match) throw new Error(`collector child did not drain: ${stderr}`);
      return JSON.parse(match[1]!) as { drained: boolean };
    },
  };
}
