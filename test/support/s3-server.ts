import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A running S3-compatible server for one test file. */
export interface S3Server {
  /** `http://127.0.0.1:<port>`: use with path-style addressing. */
  endpoint: string;
  stop: () => Promise<void>;
}

/**
 * Starts a real S3-compatible server (the `fauxqs` package: HTTP, S3 REST protocol, objects in
 * memory) in a child process bound to 127.0.0.1 on a free port.
 */
export async function startS3Server(): Promise<S3Server> {
  const script = fileURLToPath(new URL("./s3-server-child.ts", import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`S3 server did not start within 20 s: ${stderr}`)),
      20_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`S3 server exited with ${code}: ${stderr}`));
    });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
