import { randomBytes, timingSafeEqual } from "node:crypto";
import { data, Form, Link, redirect } from "react-router";
import { servicesContext } from "../context.ts";
import { verifyCsrf } from "../lib/auth.server.ts";
import { hashToken } from "../lib/bootstrap.server.ts";
import { MemberInputError } from "../lib/members.server.ts";
import { MIN_PASSWORD_LENGTH } from "../lib/password-rules.ts";
import type { DashboardServices } from "../lib/services.server.ts";
import type { Route } from "./+types/setup";

export const meta: Route.MetaFunction = () => [{ title: "Set up genledger" }];

function tokenMatches(services: DashboardServices, token: string): boolean {
  const expected = services.setup.tokenHash;
  if (!expected || !token) return false;
  return timingSafeEqual(Buffer.from(hashToken(token)), Buffer.from(expected));
}

export async function loader({ request, context, url }: Route.LoaderArgs) {
  const services = context.get(servicesContext);
  const token = url.searchParams.get("token") ?? "";
  if (!services.setup.tokenHash) return data({ state: "done" as const, csrf: "", token: "" });
  if (!tokenMatches(services, token))
    return data({ state: "bad-token" as const, csrf: "", token: "" }, { status: 403 });
  const session = await services.sessions.getSession(request.headers.get("Cookie"));
  let csrf = session.get("csrf");
  const headers = new Headers();
  if (!csrf) {
    csrf = randomBytes(32).toString("base64url");
    session.set("csrf", csrf);
    headers.set("Set-Cookie", await services.sessions.commitSession(session, { maxAge: 60 * 60 }));
  }
  return data({ state: "ready" as const, csrf, token }, { headers });
}

export async function action({ request, context }: Route.ActionArgs) {
  const services = context.get(servicesContext);
  const form = await request.formData();
  await verifyCsrf(request, context, form);
  if (
    !tokenMatches(services, String(form.get("token") ?? "")) ||
    (await services.members.countAdmins()) > 0
  ) {
    return data(
      { error: "This setup link was already used or is not valid. Sign in instead." },
      { status: 403 },
    );
  }
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirm") ?? ""))
    return data({ error: "The two passwords differ." }, { status: 400 });
  try {
    const admin = await services.members.add({
      email: String(form.get("email") ?? ""),
      name: String(form.get("name") ?? ""),
      role: "admin",
      password,
      createdBy: "setup link",
    });
    services.setup.tokenHash = null;
    services.audit({ actor: admin.email, action: "setup", target: admin.email });
    const session = await services.sessions.getSession();
    session.set("email", admin.email);
    session.set("csrf", randomBytes(32).toString("base64url"));
    session.set("signedInAt", Date.now());
    throw redirect("/", { headers: { "Set-Cookie": await services.sessions.commitSession(session) } });
  } catch (error) {
    if (error instanceof MemberInputError) return data({ error: error.message }, { status: 400 });
    throw error;
  }
}

export default function Setup({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="auth">
      <div className="card">
        <h1>Create the first admin</h1>
        {loaderData.state === "done" ? (
          <p>
            Setup is already done. <Link to="/login">Sign in</Link>, or ask an admin to add you under
            Settings.
          </p>
        ) : loaderData.state === "bad-token" ? (
          <p>
            This setup link is not valid. Use the exact link from the server log (it works once), or set
            GENLEDGER_ADMIN_EMAIL and GENLEDGER_ADMIN_PASSWORD and restart.
          </p>
        ) : (
          <>
            <p className="muted">This account can add other members and create API keys.</p>
            {actionData?.error ? <div className="notice bad">{actionData.error}</div> : null}
            <Form method="post">
              <input type="hidden" name="_csrf" value={loaderData.csrf} />
              <input type="hidden" name="token" value={loaderData.token} />
              <label className="field">
                Name
                <input name="name" autoComplete="name" />
              </label>
              <label className="field">
                E-mail
                <input name="email" type="email" autoComplete="username" required />
              </label>
              <label className="field">
                Password (at least {MIN_PASSWORD_LENGTH} characters)
                <input
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  minLength={MIN_PASSWORD_LENGTH}
                  required
                />
              </label>
              <label className="field">
                Password again
                <input name="confirm" type="password" autoComplete="new-password" required />
              </label>
              <button type="submit">Create admin and sign in</button>
            </Form>
          </>
        )}
      </div>
    </div>
  );
}
