import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "core/src/**/*.test.ts",
      "clickhouse/src/**/*.test.ts",
      "instrumentation/src/**/*.test.ts",
      "collector/src/**/*.test.ts",
      "dashboard/app/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB and Chromium are heavy: two cores, so keep parallelism modest.
    maxWorkers: 2,
    setupFiles: ["test/support/setup.ts"],
  },
});
