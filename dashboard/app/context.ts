import { createContext } from "react-router";
import type { Principal } from "./lib/principal.ts";
import type { DashboardServices } from "./lib/services.server.ts";

/** The process-wide services (store, blob store, members, sessions), set by `server/app.ts` per request. */
export const servicesContext = createContext<DashboardServices>();

/** Who is asking: a signed-in member or a read-scoped API key; null before sign-in. Set by the root middleware. */
export const principalContext = createContext<Principal | null>(null);

/** The TCP peer of the request (for the sign-in rate limit and the audit log). */
export const clientAddressContext = createContext<string>("");
