import { redirect } from "react-router";
import { servicesContext } from "../context.ts";
import { clientAddress, requireMember, verifyCsrf } from "../lib/auth.server.ts";
import type { Route } from "./+types/logout";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: Route.ActionArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  await verifyCsrf(request, context, await request.formData());
  const session = await services.sessions.getSession(request.headers.get("Cookie"));
  services.audit({
    actor: member.email,
    action: "sign_out",
    target: member.email,
    ip: clientAddress(context),
  });
  throw redirect("/login", { headers: { "Set-Cookie": await services.sessions.destroySession(session) } });
}

export default function Logout() {
  return null;
}
