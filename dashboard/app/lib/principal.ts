import type { Role } from "./roles.ts";

/** The signed-in member as pages see it. */
export interface SessionMember {
  email: string;
  name: string;
  role: Role;
}

/**
 * Who a request acts for. Members sign in with a session cookie; read-scoped API keys authenticate the
 * JSON API only. A key is issued by an admin for one project and reads what an admin reads there.
 */
export type Principal =
  | { kind: "member"; member: SessionMember; csrf: string }
  | { kind: "key"; keyId: string; keyName: string; projectId: string };

/** What a principal may read. */
export interface Access {
  /** May read prompt and output text and files. */
  text: boolean;
  /** Restricts reads to one project; undefined = every project. */
  projectId: string | undefined;
  /** For the audit trail and messages. */
  actor: string;
}
