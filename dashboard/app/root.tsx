import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useNavigation,
  useRouteLoaderData,
} from "react-router";
import type { Route } from "./+types/root";
import appCss from "./app.css?url";
import { CsrfInput } from "./components/csrf-input.tsx";
import { principalContext } from "./context.ts";
import { authMiddleware } from "./lib/auth.server.ts";
import type { SessionMember } from "./lib/principal.ts";
import { canManageSettings } from "./lib/roles.ts";

export const links: Route.LinksFunction = () => [
  { rel: "stylesheet", href: appCss },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const middleware: Route.MiddlewareFunction[] = [authMiddleware];

export async function loader({ context }: Route.LoaderArgs) {
  const principal = context.get(principalContext);
  if (principal?.kind !== "member") return { member: null, csrf: "" };
  return { member: principal.member, csrf: principal.csrf };
}

const NAV: Array<{ to: string; label: string; end?: boolean }> = [
  { to: "/", label: "Overview", end: true },
  { to: "/generations", label: "Generations" },
  { to: "/users", label: "Users" },
];
// The analytics pages (their routes are added to app/routes.ts by the analytics work).
const ANALYTICS_NAV = [
  { to: "/costs", label: "Costs" },
  { to: "/abuse", label: "Abuse" },
  { to: "/budgets", label: "Budgets" },
  { to: "/alerts", label: "Alerts" },
];

function Nav({ member }: { member: SessionMember }) {
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand">
        gen<span>ledger</span>
      </div>
      {NAV.map((item) => (
        <NavLink key={item.to} to={item.to} end={item.end}>
          {item.label}
        </NavLink>
      ))}
      <div className="section">Analytics</div>
      {ANALYTICS_NAV.map((item) => (
        <NavLink key={item.to} to={item.to}>
          {item.label}
        </NavLink>
      ))}
      {canManageSettings(member.role) ? (
        <>
          <div className="section">Admin</div>
          <NavLink to="/settings">Settings</NavLink>
        </>
      ) : null}
      <div className="who">
        <div className="email">{member.name || member.email}</div>
        <div>{member.role}</div>
        <Form method="post" action="/logout">
          <CsrfInput />
          <button type="submit" className="link">
            Sign out
          </button>
        </Form>
      </div>
    </nav>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const member = data?.member ?? null;
  const busy = useNavigation().state !== "idle";
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <Meta />
        {/* Stylesheets need no nonce (CSP style-src allows self); "" keeps server and client markup equal. */}
        <Links nonce="" />
      </head>
      <body>
        {busy ? <div className="loading-bar" role="progressbar" aria-label="Loading" /> : null}
        {member ? (
          <div className="shell">
            <Nav member={member} />
            <main className="page">{children}</main>
          </div>
        ) : (
          children
        )}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export const meta: Route.MetaFunction = () => [{ title: "genledger" }];

/** What a thrown `data({ title?, message, hints? }, { status })` carries to the error page. */
interface ErrorPayload {
  title?: string;
  message?: string;
  hints?: string[];
}

/** The one error page: 404s and 403s thrown by loaders, and unexpected errors. */
export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const data = useRouteLoaderData<typeof loader>("root");
  let status = 500;
  let title = "Something went wrong";
  let message =
    "The dashboard hit an unexpected error. Reload the page; if it keeps happening, check the server log.";
  let hints: string[] = [];
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const payload: ErrorPayload =
      typeof error.data === "object" && error.data ? error.data : { message: String(error.data) };
    title =
      payload.title ??
      (status === 404 ? "Page not found" : status === 403 ? "Not allowed" : `Error ${status}`);
    message = payload.message ?? error.statusText;
    hints = payload.hints ?? [];
  } else if (import.meta.env.DEV && error instanceof Error) {
    message = `${error.message}\n${error.stack ?? ""}`;
  }
  const body = (
    <div className="panel" data-testid="error-page" data-status={status}>
      <h1>{title}</h1>
      <p style={{ whiteSpace: "pre-wrap" }}>{message}</p>
      {hints.length > 0 ? (
        <ul>
          {hints.map((hint) => (
            <li key={hint}>{hint}</li>
          ))}
        </ul>
      ) : null}
      <div className="actions">
        <Link className="button secondary" to="/">
          Go to the overview
        </Link>
        <Link className="button secondary" to="/generations">
          Search generations
        </Link>
      </div>
    </div>
  );
  if (data?.member) return body;
  return <div className="auth">{body}</div>;
}
