import { fromChTime, insertRows, queryRows, type Store, toChTime } from "@genledger/clickhouse";
import { z } from "zod";
import { nextVersion } from "./clock.server.ts";
import { hashPassword } from "./password.server.ts";
import { MIN_PASSWORD_LENGTH } from "./password-rules.ts";
import { isRole, type Role } from "./roles.ts";

/** A dashboard member as the pages see it (never the password hash). */
export interface Member {
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  createdBy: string;
}

/** A member with the stored password hash, for sign-in only. */
export interface MemberWithSecret extends Member {
  passwordHash: string;
}

const MemberRow = z.object({
  email: z.string(),
  name: z.string(),
  role: z.string(),
  password_hash: z.string(),
  created_at: z.string(),
  created_by: z.string(),
});
type MemberRow = z.infer<typeof MemberRow>;

const SELECT =
  "SELECT email, name, role, password_hash, toString(created_at) AS created_at, created_by FROM members FINAL";

/** Input that cannot become a member; the message says which field and why. */
export class MemberInputError extends Error {
  override name = "MemberInputError";
}

const EMAIL = /^[^\s@]{1,128}@[^\s@]{1,255}$/;

/** Lower-cases and trims an e-mail address; throws {@link MemberInputError} when it is not one. */
export function normalizeEmail(value: unknown): string {
  const email = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (!EMAIL.test(email)) throw new MemberInputError(`"${String(value ?? "")}" is not an e-mail address`);
  return email;
}

/** Throws {@link MemberInputError} for a password that is too short. */
export function checkPassword(password: unknown): string {
  if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) {
    throw new MemberInputError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > 1024) throw new MemberInputError("The password must be at most 1024 characters");
  return password;
}

const CACHE_TTL_MS = 5_000;

/**
 * Reads and writes the `members` table. Lookups by e-mail are cached for a few seconds because every
 * request resolves its member; writes in this process clear the cache at once, other dashboard
 * processes see a change within {@link CACHE_TTL_MS}.
 */
export class MemberDirectory {
  readonly #store: Store;
  readonly #cache = new Map<string, { member: MemberWithSecret | null; at: number }>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** All members, by e-mail. */
  async list(): Promise<Member[]> {
    const rows = await queryRows(this.#store, `${SELECT} ORDER BY email`, MemberRow);
    return rows.map(toMember).map(withoutSecret);
  }

  /** One member with the password hash, or null. */
  async find(email: string): Promise<MemberWithSecret | null> {
    const cached = this.#cache.get(email);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.member;
    const [row] = await queryRows(this.#store, `${SELECT} WHERE email = {email:String}`, MemberRow, {
      email,
    });
    const member = row ? toMember(row) : null;
    this.#cache.set(email, { member, at: Date.now() });
    return member;
  }

  /** Number of admins. */
  async countAdmins(): Promise<number> {
    const [row] = await queryRows(
      this.#store,
      "SELECT count() AS n FROM members FINAL WHERE role = 'admin'",
      z.object({ n: z.union([z.string(), z.number()]).transform(Number) }),
    );
    return row?.n ?? 0;
  }

  /** Adds a member or replaces an existing one with the same e-mail. */
  async add(input: {
    email: string;
    name: string;
    role: Role;
    password: string;
    createdBy: string;
  }): Promise<Member> {
    const email = normalizeEmail(input.email);
    const password = checkPassword(input.password);
    const name = input.name.trim().slice(0, 200);
    const now = new Date();
    await this.#write({
      email,
      name,
      role: input.role,
      password_hash: await hashPassword(password),
      created_at: toChTime(now),
      created_by: input.createdBy,
    });
    return { email, name, role: input.role, createdAt: now, createdBy: input.createdBy };
  }

  /** Changes a member's role; false when there is no such member. */
  async setRole(email: string, role: Role): Promise<boolean> {
    const current = await this.#fresh(email);
    if (!current) return false;
    await this.#write({ ...toRow(current), role });
    return true;
  }

  /** Sets a new password; false when there is no such member. */
  async setPassword(email: string, password: string): Promise<boolean> {
    const current = await this.#fresh(email);
    if (!current) return false;
    await this.#write({ ...toRow(current), password_hash: await hashPassword(checkPassword(password)) });
    return true;
  }

  /** Removes a member; their sessions stop working at the next request. */
  async remove(email: string): Promise<boolean> {
    const current = await this.#fresh(email);
    if (!current) return false;
    await this.#write({ ...toRow(current), password_hash: "" }, true);
    return true;
  }

  async #fresh(email: string): Promise<MemberWithSecret | null> {
    this.#cache.delete(email);
    return await this.find(email);
  }

  async #write(row: MemberRow, deleted = false): Promise<void> {
    await insertRows(this.#store, "members", [
      {
        ...row,
        updated_at: toChTime(new Date()),
        deleted: deleted ? 1 : 0,
        version: nextVersion().toString(),
      },
    ]);
    this.#cache.delete(row.email);
  }
}

function toMember(row: MemberRow): MemberWithSecret {
  return {
    email: row.email,
    name: row.name,
    role: isRole(row.role) ? row.role : "viewer",
    passwordHash: row.password_hash,
    createdAt: fromChTime(row.created_at),
    createdBy: row.created_by,
  };
}

function toRow(member: MemberWithSecret): MemberRow {
  return {
    email: member.email,
    name: member.name,
    role: member.role,
    password_hash: member.passwordHash,
    created_at: toChTime(member.createdAt),
    created_by: member.createdBy,
  };
}

function withoutSecret({ passwordHash: _, ...member }: MemberWithSecret): Member {
  return member;
}
