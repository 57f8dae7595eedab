import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

// The workspace packages are TypeScript that Node runs directly. Keeping them external means the
// dashboard shares one copy of them (and of their per-store state) with the collector in the single
// embedded process, instead of bundling a second copy.
const WORKSPACE_PACKAGES = ["@genledger/core", "@genledger/clickhouse"];

export default defineConfig({
  plugins: [reactRouter()],
  environments: {
    ssr: {
      resolve: { external: WORKSPACE_PACKAGES },
      build: {
        rolldownOptions: {
          // The server bundle's entry is our request-handler factory, which imports the route build.
          input: "./server/app.ts",
          external: WORKSPACE_PACKAGES,
        },
      },
    },
  },
});
