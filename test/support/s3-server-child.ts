// A real S3-compatible HTTP server (fauxqs, in memory) on a free loopback port, run as its own
// process by s3-server.ts. Prints "READY <port>" once it accepts requests.
import { buildApp } from "fauxqs";

const app = buildApp({ logger: false });
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`READY ${port}\n`);
const shutdown = () => {
  void app.close().then(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
