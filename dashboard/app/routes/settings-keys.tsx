import { createApiKey, listApiKeys, revokeApiKey } from "@genledger/clickhouse";
import { data, Form, useNavigation } from "react-router";
import { CsrfInput } from "../components/csrf-input.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { clientAddressContext, servicesContext } from "../context.ts";
import { requireMember, verifyCsrf } from "../lib/auth.server.ts";
import { formatTime } from "../lib/format.ts";
import type { Route } from "./+types/settings-keys";

export const meta: Route.MetaFunction = () => [{ title: "API keys - genledger" }];

export async function loader({ context }: Route.LoaderArgs) {
  requireMember(context, ["admin"]);
  const services = context.get(servicesContext);
  const keys = await listApiKeys(services.store, { projectId: services.projectId });
  return { keys, projectId: services.keyProjectId };
}

export async function action({ request, context }: Route.ActionArgs) {
  const me = requireMember(context, ["admin"]);
  const services = context.get(servicesContext);
  const form = await request.formData();
  await verifyCsrf(request, context, form);
  const ip = context.get(clientAddressContext);
  const intent = form.get("intent");
  if (intent === "create") {
    const name = String(form.get("name") ?? "").trim();
    const scope = form.get("scope");
    if (!name || name.length > 100) {
      return data(
        {
          error: "Name the key (up to 100 characters), e.g. the service that uses it.",
          created: null,
          ok: null,
        },
        { status: 400 },
      );
    }
    if (scope !== "ingest" && scope !== "read") {
      return data({ error: "Pick a scope: ingest or read.", created: null, ok: null }, { status: 400 });
    }
    const created = await createApiKey(services.store, {
      projectId: services.keyProjectId,
      name,
      scope,
      createdBy: me.email,
    });
    services.audit({
      actor: me.email,
      action: "key_create",
      target: created.id,
      detail: `${scope} ${name}`,
      ip,
    });
    // The secret is in this one response only; the store keeps a hash.
    return { created: { id: created.id, key: created.key, name, scope }, error: null, ok: null };
  }
  if (intent === "revoke") {
    const id = String(form.get("id") ?? "");
    await revokeApiKey(services.store, id);
    services.audit({ actor: me.email, action: "key_revoke", target: id, ip });
    return { ok: "Key revoked. Requests with it are refused from now on.", created: null, error: null };
  }
  return data({ error: "Unknown action.", created: null, ok: null }, { status: 400 });
}

function text(value: unknown): string {
  if (value instanceof Date) return formatTime(value);
  return value === null || value === undefined ? "" : String(value);
}

export default function Keys({ loaderData, actionData }: Route.ComponentProps) {
  const { keys, projectId } = loaderData;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="API keys"
        subtitle={`Ingestion keys let a service send generations to the collector; read keys call the JSON API (/api/v1/generations). New keys belong to project "${projectId}".`}
      />
      {actionData?.created ? (
        <div className="notice ok" role="status" data-testid="new-key">
          <p>
            <strong>
              New {actionData.created.scope} key "{actionData.created.name}".
            </strong>{" "}
            Copy the secret now: it is shown only this once.
          </p>
          <div className="secret" data-testid="new-key-secret">
            {actionData.created.key}
          </div>
        </div>
      ) : null}
      {actionData?.ok ? <div className="notice ok">{actionData.ok}</div> : null}
      {actionData?.error ? (
        <div className="notice bad" role="alert">
          {actionData.error}
        </div>
      ) : null}
      <section className="panel">
        <h2>Create a key</h2>
        <Form method="post" className="inline-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <input name="name" placeholder="checkout-service" required aria-label="Key name" />
          <select name="scope" defaultValue="ingest" aria-label="Scope">
            <option value="ingest">ingest (send generations)</option>
            <option value="read">read (JSON API)</option>
          </select>
          <button type="submit" disabled={busy}>
            Create key
          </button>
        </Form>
      </section>
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet">
          <p>
            Create an ingestion key for each service that sends generations, so you can revoke one without the
            others.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="keys-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Scope</th>
                <th>ID</th>
                <th>Project</th>
                <th>Created</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => {
                const record = key as Record<string, unknown>;
                const revoked = Boolean(record.revokedAt ?? record.revoked);
                return (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <span className="badge neutral">{key.scope}</span>
                    </td>
                    <td className="mono">{key.id}</td>
                    <td className="mono">{key.projectId}</td>
                    <td className="muted">
                      {text(record.createdAt)}
                      {record.createdBy ? <div>by {text(record.createdBy)}</div> : null}
                    </td>
                    <td>
                      {revoked ? (
                        <span className="badge error">revoked</span>
                      ) : (
                        <span className="badge complete">active</span>
                      )}
                    </td>
                    <td>
                      {revoked ? null : (
                        <Form method="post">
                          <CsrfInput />
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="id" value={key.id} />
                          <button type="submit" className="danger" disabled={busy}>
                            Revoke
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
