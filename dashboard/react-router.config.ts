import type { Config } from "@react-router/dev/config";

/** Server-rendered framework mode; the server entry (`server/app.ts`) is bundled with the routes. */
export default {
  appDirectory: "app",
  buildDirectory: "build",
  ssr: true,
  // The whole route manifest is small: ship it with the document instead of lazy `/__manifest` calls.
  routeDiscovery: { mode: "initial" },
} satisfies Config;
