import { readFileSync } from "node:fs";
import { DEFAULT_KEY_FILE } from "./options.ts";

/**
 * Runs before the instrumentation is imported: when GENLEDGER_API_KEY is unset, the demo uses the
 * ingest key `genledger start` wrote for local use (`--key-file`, default {@link DEFAULT_KEY_FILE}).
 */
if (!process.env.GENLEDGER_API_KEY) {
  const at = process.argv.indexOf("--key-file");
  const file = (at >= 0 ? process.argv[at + 1] : undefined) ?? DEFAULT_KEY_FILE;
  try {
    const key = readFileSync(file, "utf8").trim();
    if (key) process.env.GENLEDGER_API_KEY = key;
  } catch {
    // No local key: the collector may not need one (GENLEDGER_INGEST_AUTH=none) or the key comes otherwise.
  }
}
