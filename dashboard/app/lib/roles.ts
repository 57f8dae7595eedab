/** Member roles, from most to least privileged. */
export const ROLES = ["admin", "finance", "support", "viewer"] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** What each role is for, shown on the members page. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything, including members, API keys and prompt text.",
  finance: "Usage, cost and budgets; prompt and output text hidden.",
  support: "Generations with their prompt and output text; no settings.",
  viewer: "Metadata, usage and cost; prompt and output text hidden.",
};

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether the role may read prompt and output text (and files). Enforced in loaders, server-side. */
export function canSeeText(role: Role): boolean {
  return role === "admin" || role === "support";
}

/** Whether the role manages members and API keys. */
export function canManageSettings(role: Role): boolean {
  return role === "admin";
}

/** Whether the role manages budgets and alerts (used by the analytics pages). */
export function canManageBudgets(role: Role): boolean {
  return role === "admin" || role === "finance";
}
