/**
 * The one-import entry: `import "@genledger/instrumentation/register"` starts recording every
 * AI SDK generation, configured from the environment (`GENLEDGER_ENDPOINT`, `GENLEDGER_API_KEY`...).
 * It never throws; a failure is logged and the application runs uninstrumented.
 */
import { init } from "./runtime.ts";

init();
