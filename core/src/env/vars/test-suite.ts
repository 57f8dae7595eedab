import { envVar } from "../define.ts";
import { booleanFromEnv, textFromEnv } from "../schemas.ts";

/** Variables of the test suite. */
export const TEST_SUITE_VARS = {
  chromiumPath: envVar({
    name: "GENLEDGER_CHROMIUM_PATH",
    processes: ["test"],
    description: "Chromium binary the browser tests drive.",
    schema: textFromEnv,
    default: "/usr/bin/chromium",
  }),
  requireServices: envVar({
    name: "GENLEDGER_REQUIRE_SERVICES",
    processes: ["test"],
    description:
      "1: tests fail instead of skipping when redis-server or Chromium is missing (CI sets it, as does CI=true).",
    schema: booleanFromEnv,
    default: "false",
  }),
  updateScreenshots: envVar({
    name: "GENLEDGER_UPDATE_SCREENSHOTS",
    processes: ["test"],
    description:
      "1: the browser tests write their screenshots to docs/screenshots (the README's) instead of test/artifacts.",
    schema: booleanFromEnv,
    default: "false",
  }),
};
