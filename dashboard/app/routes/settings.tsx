import { Link } from "react-router";
import { PageHeader } from "../components/page-header.tsx";
import { requireMember } from "../lib/auth.server.ts";
import type { Route } from "./+types/settings";

export const meta: Route.MetaFunction = () => [{ title: "Settings - genledger" }];

export async function loader({ context }: Route.LoaderArgs) {
  requireMember(context, ["admin"]);
  return null;
}

export default function Settings() {
  return (
    <>
      <PageHeader
        title="Settings"
        subtitle="Who can sign in, and the keys services use to send and read data."
      />
      <div className="grid two">
        <section className="panel">
          <h2>
            <Link to="/settings/members">Members</Link>
          </h2>
          <p className="muted">
            Add people, set their role (admin, finance, support, viewer), reset passwords, remove access.
          </p>
        </section>
        <section className="panel">
          <h2>
            <Link to="/settings/keys">API keys</Link>
          </h2>
          <p className="muted">
            Ingestion keys for the collector and read keys for the JSON API. A key's secret is shown once.
          </p>
        </section>
      </div>
    </>
  );
}
