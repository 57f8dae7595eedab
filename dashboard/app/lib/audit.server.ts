import { insertRows, type Store, toChTime } from "@genledger/clickhouse";

/** An audited action: who did what to which target. */
export interface AuditEntry {
  actor: string;
  action:
    | "sign_in"
    | "sign_in_failed"
    | "sign_out"
    | "setup"
    | "member_add"
    | "member_role"
    | "member_password"
    | "member_remove"
    | "key_create"
    | "key_revoke";
  target: string;
  detail?: string;
  ip?: string;
}

/** Appends to `audit_log`. Never throws: a failed audit write is logged, the action already happened. */
export async function audit(
  store: Store,
  entry: AuditEntry,
  onError: (error: unknown) => void = () => {},
): Promise<void> {
  try {
    await insertRows(store, "audit_log", [
      {
        at: toChTime(new Date()),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        detail: entry.detail ?? "",
        ip: entry.ip ?? "",
      },
    ]);
  } catch (error) {
    onError(error);
  }
}
