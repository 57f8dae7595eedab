import { randomBytes } from "node:crypto";
import { data, Form, redirect, useNavigation } from "react-router";
import { servicesContext } from "../context.ts";
import { clientAddress, readSession, safeRedirectTarget, verifyCsrf } from "../lib/auth.server.ts";
import { verifyAgainstDummy, verifyPassword } from "../lib/password.server.ts";
import type { Route } from "./+types/login";

export const meta: Route.MetaFunction = () => [{ title: "Sign in - genledger" }];

export async function loader({ request, context, url }: Route.LoaderArgs) {
  const services = context.get(servicesContext);
  const { session, member } = await readSession(services, request);
  if (member) throw redirect(safeRedirectTarget(url.searchParams.get("redirectTo")));
  // An anonymous session only to carry the CSRF token of the sign-in form.
  let csrf = session.get("csrf");
  const headers = new Headers();
  if (!csrf) {
    csrf = randomBytes(32).toString("base64url");
    session.set("csrf", csrf);
    headers.set("Set-Cookie", await services.sessions.commitSession(session, { maxAge: 60 * 60 }));
  }
  return data(
    {
      csrf,
      redirectTo: safeRedirectTarget(url.searchParams.get("redirectTo")),
      needsSetup: services.setup.tokenHash !== null,
    },
    { headers },
  );
}

export async function action({ request, context }: Route.ActionArgs) {
  const services = context.get(servicesContext);
  const form = await request.formData();
  await verifyCsrf(request, context, form);
  const email = String(form.get("email") ?? "")
    .trim()
    .toLowerCase();
  const password = String(form.get("password") ?? "");
  const ip = clientAddress(context);
  if (!(await services.loginLimiter.allow(ip, email))) {
    return data({ error: "Too many sign-in attempts. Wait a minute and try again." }, { status: 429 });
  }
  const member = email ? await services.members.find(email) : null;
  const ok = member?.passwordHash
    ? await verifyPassword(password, member.passwordHash)
    : await verifyAgainstDummy(password);
  if (!member || !ok) {
    services.audit({ actor: email, action: "sign_in_failed", target: email, ip });
    return data({ error: "That e-mail and password do not match a member." }, { status: 401 });
  }
  // A fresh session (and CSRF token) on sign-in, so a token planted before sign-in is worthless.
  const session = await services.sessions.getSession();
  session.set("email", member.email);
  session.set("csrf", randomBytes(32).toString("base64url"));
  session.set("signedInAt", Date.now());
  services.audit({ actor: member.email, action: "sign_in", target: member.email, ip });
  throw redirect(safeRedirectTarget(form.get("redirectTo")), {
    headers: { "Set-Cookie": await services.sessions.commitSession(session) },
  });
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  return (
    <div className="auth">
      <div className="card">
        <h1>
          Sign in to gen<span style={{ color: "var(--accent)" }}>ledger</span>
        </h1>
        <p className="muted">Every AI generation your company pays for, with its prompt, output and cost.</p>
        {actionData?.error ? (
          <div className="notice bad" role="alert" data-testid="login-error">
            {actionData.error}
          </div>
        ) : null}
        {loaderData.needsSetup ? (
          <div className="notice info">
            No admin exists yet. Open the one-time setup link from the server log, or set
            GENLEDGER_ADMIN_EMAIL and GENLEDGER_ADMIN_PASSWORD and restart.
          </div>
        ) : null}
        <Form method="post">
          <input type="hidden" name="_csrf" value={loaderData.csrf} />
          <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
          <label className="field">
            E-mail
            <input name="email" type="email" autoComplete="username" required />
          </label>
          <label className="field">
            Password
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Signing in..." : "Sign in"}
          </button>
        </Form>
      </div>
    </div>
  );
}
