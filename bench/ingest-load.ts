// The load generator of bench/ingest.ts, run as a child process so that building and sending
// requests does not share the collector's event loop: posts OTLP/protobuf exports at a planned
// rate (or as fast as they are acknowledged) and reports samples and totals over IPC.
import { type ChildProcess, fork } from "node:child_process";
import { Agent, request } from "node:http";
import { buildTemplate, instantiate } from "./ingest-payload.ts";

/** The ingest key the benchmark's collector accepts. */
export const KEY = "bench-ingest-key-1";

/** What one load run does. */
export interface LoadPlan {
  url: string;
  seconds: number;
  batch: number;
  concurrency: number;
  /** Generations per second; 0 = as fast as acknowledged. */
  rate: number;
  /** Report one acknowledged generation ID per this many requests (for the lag measurement). */
  sampleEvery: number;
}

export interface LoadReport {
  type: "done";
  requests: number;
  acknowledged: number;
  failed: number;
  bytes: number;
  seconds: number;
}

/** The child: posts exports as planned, reports samples and totals to the parent. */
async function runLoad(plan: LoadPlan): Promise<void> {
  const template = buildTemplate(plan.batch);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const target = new URL(plan.url);
  const started = performance.now();
  const deadline = started + plan.seconds * 1000;
  const interval = plan.rate > 0 ? (plan.batch / plan.rate) * 1000 : 0;
  let next = started;
  let requests = 0;
  let acknowledged = 0;
  let failed = 0;
  let bytes = 0;
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: "/v1/traces",
          method: "POST",
          headers: {
            "Content-Type": "application/x-protobuf",
            "Content-Length": body.length,
            Authorization: `Bearer ${KEY}`,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (performance.now() < deadline) {
        if (interval > 0) {
          const wait = next - performance.now();
          next = Math.max(next, performance.now() - interval) + interval;
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (performance.now() >= deadline) break;
        }
        const { body, ids } = instantiate(template);
        const status = await post(body).catch(() => 0);
        requests += 1;
        bytes += body.length;
        if (status === 200) {
          acknowledged += ids.length;
          if (requests % plan.sampleEvery === 0) process.send?.({ type: "ack", id: ids[0], at: Date.now() });
        } else {
          failed += 1;
          if (status === 503) await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }),
  );
  const report: LoadReport = {
    type: "done",
    requests,
    acknowledged,
    failed,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
  process.send?.(report);
  agent.destroy();
}

export function startLoad(plan: LoadPlan, onAck: (id: string, at: number) => void): Promise<LoadReport> {
  const child: ChildProcess = fork(new URL(import.meta.url), [JSON.stringify(plan)], {
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.on("message", (message: { type: "ack"; id: string; at: number } | LoadReport) => {
      if (message.type === "ack") onAck(message.id, message.at);
      else resolve(message);
    });
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}

// Run as the child: the plan is the only argument.
if (process.send !== undefined && process.argv[2] !== undefined)
  await runLoad(JSON.parse(process.argv[2]) as LoadPlan);
