#!/usr/bin/env node
/**
 * The genledger command: `node bin/genledger.ts --help`. Node 24 runs this TypeScript directly.
 * Services resolve `run` only after a graceful shutdown; the explicit exit then ends the process
 * even if a client library keeps a handle open.
 */
import { run } from "./cli/main.ts";

process.exit(await run(process.argv.slice(2)));
