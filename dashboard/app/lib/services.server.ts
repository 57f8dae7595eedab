import type { Store } from "@genledger/clickhouse";
import type { BlobStore } from "@genledger/core";
import type { SessionStorage } from "react-router";
import type { DashboardLogger } from "../../server/types.ts";
import type { AuditEntry } from "./audit.server.ts";
import type { MemberDirectory } from "./members.server.ts";
import type { LoginRateLimiter } from "./rate-limit.server.ts";

/** Data kept in the signed session cookie. */
export interface SessionData {
  /** The member's e-mail once signed in. */
  email: string;
  /** Per-session CSRF token, echoed by every form as `_csrf`. */
  csrf: string;
  /** Sign-in time (ms), checked against the maximum session age on the server too. */
  signedInAt: number;
}

/** The one-time link that creates the first admin when no admin was configured. */
export interface SetupState {
  /** SHA-256 (hex) of the token, or null once used or not needed. */
  tokenHash: string | null;
}

/** Everything the loaders and actions need, created once per process. */
export interface DashboardServices {
  store: Store;
  blobStore: BlobStore;
  /** Restricts pages to one project; undefined = every project. */
  projectId: string | undefined;
  /** Project that API keys made in the dashboard belong to. */
  keyProjectId: string;
  /** Extra allowed `Origin` (from `GENLEDGER_PUBLIC_URL`), besides the request's own. */
  publicOrigin: string | undefined;
  sessionMaxAgeSeconds: number;
  members: MemberDirectory;
  sessions: SessionStorage<SessionData>;
  loginLimiter: LoginRateLimiter;
  setup: SetupState;
  log: DashboardLogger;
  /** Records an audit entry in the background (failures are logged, never thrown). */
  audit(entry: AuditEntry): void;
}
