import { data, Form, useNavigation } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { clientAddressContext, servicesContext } from "../context.ts";
import { requireMember, verifyCsrf } from "../lib/auth.server.ts";
import { formatTime } from "../lib/format.ts";
import { MemberInputError, normalizeEmail } from "../lib/members.server.ts";
import { MIN_PASSWORD_LENGTH } from "../lib/password-rules.ts";
import { isRole, ROLE_DESCRIPTIONS, ROLES, type Role } from "../lib/roles.ts";
import type { Route } from "./+types/settings-members";

export const meta: Route.MetaFunction = () => [{ title: "Members - genledger" }];

export async function loader({ context }: Route.LoaderArgs) {
  const me = requireMember(context, ["admin"]);
  const services = context.get(servicesContext);
  return { members: await services.members.list(), me: me.email };
}

function role(value: FormDataEntryValue | null): Role {
  if (!isRole(value)) throw new MemberInputError(`Pick a role: ${ROLES.join(", ")}`);
  return value;
}

export async function action({ request, context }: Route.ActionArgs) {
  const me = requireMember(context, ["admin"]);
  const services = context.get(servicesContext);
  const form = await request.formData();
  await verifyCsrf(request, context, form);
  const ip = context.get(clientAddressContext);
  const intent = form.get("intent");
  try {
    if (intent === "add") {
      const email = normalizeEmail(form.get("email"));
      if (await services.members.find(email)) {
        return data(
          { error: `${email} is already a member; change their role in the table.`, ok: null },
          { status: 409 },
        );
      }
      const added = await services.members.add({
        email,
        name: String(form.get("name") ?? ""),
        role: role(form.get("role")),
        password: String(form.get("password") ?? ""),
        createdBy: me.email,
      });
      services.audit({ actor: me.email, action: "member_add", target: added.email, detail: added.role, ip });
      return {
        ok: `Added ${added.email} as ${added.role}. Send them the password through a private channel.`,
        error: null,
      };
    }
    const email = normalizeEmail(form.get("email"));
    const target = await services.members.find(email);
    if (!target) return data({ error: `${email} is not a member.`, ok: null }, { status: 404 });
    if (intent === "role") {
      const next = role(form.get("role"));
      if (target.role === "admin" && next !== "admin" && (await services.members.countAdmins()) <= 1) {
        return data(
          { error: "This is the only admin. Make someone else admin first.", ok: null },
          { status: 400 },
        );
      }
      await services.members.setRole(email, next);
      services.audit({
        actor: me.email,
        action: "member_role",
        target: email,
        detail: `${target.role} -> ${next}`,
        ip,
      });
      return { ok: `${email} is now ${next}.`, error: null };
    }
    if (intent === "password") {
      await services.members.setPassword(email, String(form.get("password") ?? ""));
      services.audit({ actor: me.email, action: "member_password", target: email, ip });
      return { ok: `Set a new password for ${email}.`, error: null };
    }
    if (intent === "remove") {
      if (email === me.email)
        return data({ error: "You cannot remove yourself.", ok: null }, { status: 400 });
      if (target.role === "admin" && (await services.members.countAdmins()) <= 1) {
        return data({ error: "This is the only admin.", ok: null }, { status: 400 });
      }
      await services.members.remove(email);
      services.audit({ actor: me.email, action: "member_remove", target: email, ip });
      return { ok: `Removed ${email}. Their sessions end at their next request.`, error: null };
    }
    return data({ error: "Unknown action.", ok: null }, { status: 400 });
  } catch (error) {
    if (error instanceof MemberInputError) return data({ error: error.message, ok: null }, { status: 400 });
    throw error;
  }
}

export default function Members({ loaderData, actionData }: Route.ComponentProps) {
  const { members, me } = loaderData;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="Members"
        subtitle="People who can sign in to this dashboard and what their role lets them see."
      />
      {actionData?.ok ? (
        <div className="notice ok" role="status">
          {actionData.ok}
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="notice bad" role="alert">
          {actionData.error}
        </div>
      ) : null}
      <div className="table-wrap" style={{ marginBottom: 16 }}>
        <table className="data" data-testid="members-table">
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th>Added</th>
              <th>New password</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.email} data-email={m.email}>
                <td>
                  <div>{m.name || m.email}</div>
                  <div className="muted mono">{m.email}</div>
                </td>
                <td>
                  <Form method="post" className="inline-form">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="role" />
                    <input type="hidden" name="email" value={m.email} />
                    <select name="role" defaultValue={m.role} aria-label={`Role of ${m.email}`}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="secondary" disabled={busy}>
                      Save
                    </button>
                  </Form>
                </td>
                <td className="muted">
                  {formatTime(m.createdAt)}
                  <div>by {m.createdBy}</div>
                </td>
                <td>
                  <Form method="post" className="inline-form">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="password" />
                    <input type="hidden" name="email" value={m.email} />
                    <input
                      name="password"
                      type="password"
                      autoComplete="new-password"
                      minLength={MIN_PASSWORD_LENGTH}
                      required
                      aria-label={`New password for ${m.email}`}
                    />
                    <button type="submit" className="secondary" disabled={busy}>
                      Set
                    </button>
                  </Form>
                </td>
                <td>
                  {m.email === me ? (
                    <span className="muted">you</span>
                  ) : (
                    <Form method="post">
                      <CsrfInput />
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="email" value={m.email} />
                      <button type="submit" className="danger" disabled={busy}>
                        Remove
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid two">
        <section className="panel">
          <h2>Add a member</h2>
          <Form method="post" className="filters" style={{ gridTemplateColumns: "1fr 1fr" }}>
            <CsrfInput />
            <input type="hidden" name="intent" value="add" />
            <label className="field">
              E-mail
              <input name="email" type="email" required />
            </label>
            <label className="field">
              Name
              <input name="name" />
            </label>
            <label className="field">
              Role
              <select name="role" defaultValue="viewer">
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Initial password ({MIN_PASSWORD_LENGTH}+ characters)
              <input
                name="password"
                type="password"
                autoComplete="new-password"
                minLength={MIN_PASSWORD_LENGTH}
                required
              />
            </label>
            <div>
              <button type="submit" disabled={busy}>
                Add member
              </button>
            </div>
          </Form>
        </section>
        <section className="panel">
          <h2>Roles</h2>
          <dl className="kv">
            {ROLES.map((r) => (
              <RoleRow key={r} role={r} />
            ))}
          </dl>
        </section>
      </div>
    </>
  );
}

function RoleRow({ role }: { role: Role }) {
  return (
    <>
      <dt>
        <strong>{role}</strong>
      </dt>
      <dd>{ROLE_DESCRIPTIONS[role]}</dd>
    </>
  );
}
