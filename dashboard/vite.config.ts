import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  // The workspace packages are TypeScript that Node runs directly; keeping them external means the
  // dashboard shares one copy of them with the collector in the single embedded process.
  ssr: { external: ["@genledger/core", "@genledger/clickhouse"] },
  environments: {
    // The server bundle's entry is our request-handler factory, which imports the route build.
    ssr: { build: { rolldownOptions: { input: "./server/app.ts" } } },
  },
});
