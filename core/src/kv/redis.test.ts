import { hasBinary, type RedisServer, startRedis } from "../../../test/support/services.ts";
import { describeKvStore } from "./contract.ts";
import { createKvStore } from "./index.ts";

const available = hasBinary("redis-server");
let server: RedisServer | undefined;

describeKvStore(
  "redis",
  async () => {
    server = await startRedis();
    return {
      store: createKvStore(server.url),
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      cleanup: async () => server?.stop(),
    };
  },
  !available,
);
