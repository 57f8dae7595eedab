import { useEffect } from "react";
import { data, Link, useRevalidator } from "react-router";
import { CopyLinkButton } from "../components/copy-button.tsx";
import { JsonView } from "../components/json-view.tsx";
import { MessageView } from "../components/message-view.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { StatusBadge } from "../components/status-badge.tsx";
import { Waterfall } from "../components/waterfall.tsx";
import { servicesContext } from "../context.ts";
import { accessOf, requireMember } from "../lib/auth.server.ts";
import { formatCount, formatDuration, formatTime } from "../lib/format.ts";
import { type GenerationView, loadGenerationView } from "../lib/generation-view.server.ts";
import type { Route } from "./+types/generation";

/** How often an open page of a pending generation checks for the final record. */
const PENDING_POLL_MS = 2_000;
/** How often, and how long, a page for an unknown ID checks whether the record arrived. */
const MISSING_POLL_MS = 3_000;
const MISSING_POLL_FOR_MS = 120_000;

export async function loader({ params, context }: Route.LoaderArgs) {
  const member = requireMember(context);
  const services = context.get(servicesContext);
  const access = accessOf({ kind: "member", member, csrf: "" }, services.projectId);
  const view = await loadGenerationView(services, params.id, access);
  // Not an error boundary: the page keeps checking, because a service may send its user here before
  // the call starts (the ID is made first), and the record then appears without a reload.
  if (!view) return data({ found: false as const, id: params.id }, { status: 404 });
  return { found: true as const, ...view };
}

export const meta: Route.MetaFunction = ({ params }) => [{ title: `Generation ${params.id} - genledger` }];

/** Re-runs the loader every `everyMs` while `enabled` (for at most `forMs`) and the tab is visible. */
function useRefresh(enabled: boolean, everyMs: number, forMs = Number.POSITIVE_INFINITY) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!enabled) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > forMs) clearInterval(timer);
      else if (revalidator.state === "idle" && document.visibilityState === "visible")
        void revalidator.revalidate();
    }, everyMs);
    return () => clearInterval(timer);
  }, [enabled, everyMs, forMs, revalidator]);
}

export default function GenerationPage({ loaderData }: Route.ComponentProps) {
  const pending = loaderData.found && loaderData.generation.status === "pending";
  useRefresh(pending, PENDING_POLL_MS);
  useRefresh(!loaderData.found, MISSING_POLL_MS, MISSING_POLL_FOR_MS);
  if (!loaderData.found) return <NotFound id={loaderData.id} />;
  return <GenerationDetails view={loaderData} />;
}

function NotFound({ id }: { id: string }) {
  return (
    <div className="panel" data-testid="error-page" data-status={404}>
      <h1>Generation not found</h1>
      <p>
        No generation has the ID <span className="mono">"{id}"</span>.
      </p>
      <ul>
        <li>
          Check the ID: it is the 21-character value your service logged or put in the link (for example{" "}
          <span className="mono">V1StGXR8_Z5jdHi6B-myT</span>).
        </li>
        <li>
          A call that started a moment ago may not have reached the collector yet: this page keeps checking
          for two minutes and shows the generation when it arrives.
        </li>
        <li>
          If your service sends to another project or environment, its generations are in that dashboard.
        </li>
      </ul>
      <div className="actions">
        <Link className="button secondary" to="/generations">
          Search generations
        </Link>
        <Link className="button secondary" to="/">
          Go to the overview
        </Link>
      </div>
    </div>
  );
}

/** Why a final generation carries no usage, as far as its status tells. */
function missingUsageCause(status: GenerationView["generation"]["status"]): string {
  if (status === "aborted") return "the call was aborted before the provider sent it";
  if (status === "error") return "the call failed before the provider sent it";
  return "for example, the call was aborted or failed first";
}

function GenerationDetails({ view }: { view: GenerationView }) {
  const { generation: g, hidden, cost, spans, traceMs } = view;
  const usage = [
    ["Input tokens", g.usage.inputTokens],
    ["Output tokens", g.usage.outputTokens],
    ["Cache read tokens", g.usage.cacheReadTokens],
    ["Cache write tokens", g.usage.cacheWriteTokens],
    ["Reasoning tokens", g.usage.reasoningTokens],
    ["Images", g.usage.images],
  ] as const;
  return (
    <>
      <PageHeader
        title={
          <span className="actions">
            Generation <span className="mono">{g.id}</span> <StatusBadge status={g.status} />
          </span>
        }
        subtitle={`${g.operation} · ${g.provider || "unknown provider"} · started ${formatTime(g.startedAt)}`}
      >
        <CopyLinkButton />
      </PageHeader>

      {g.status === "pending" ? (
        <div className="notice info" data-testid="pending-notice">
          This generation is still running. The page updates by itself when it completes.
        </div>
      ) : null}
      {g.error ? (
        <div className="notice bad">
          <strong>Error:</strong> <span style={{ whiteSpace: "pre-wrap" }}>{g.error}</span>
        </div>
      ) : null}
      {g.warnings.length > 0 ? (
        <div className="notice warn">
          {g.warnings.map((w, i) => (
            // The same warning can come twice (two budgets with one name): key by position.
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is static for the page
            <div key={i}>{w}</div>
          ))}
        </div>
      ) : null}

      <div className="grid two">
        <section className="panel">
          <h2>Details</h2>
          <dl className="kv">
            <dt>User</dt>
            <dd>{g.userId ? <Link to={`/users/${encodeURIComponent(g.userId)}`}>{g.userId}</Link> : "-"}</dd>
            <dt>Session</dt>
            <dd className="mono">{g.sessionId || "-"}</dd>
            <dt>Function</dt>
            <dd>{g.functionId || "-"}</dd>
            <dt>Tags</dt>
            <dd>
              {g.tags.length
                ? g.tags.map((t) => (
                    <span key={t} className="badge neutral" style={{ marginRight: 4 }}>
                      {t}
                    </span>
                  ))
                : "-"}
            </dd>
            <dt>Model requested</dt>
            <dd className="mono">{g.model || "-"}</dd>
            <dt>Model responded</dt>
            <dd className="mono">{g.responseModel || "-"}</dd>
            <dt>Provider</dt>
            <dd>{g.provider || "-"}</dd>
            <dt>Project</dt>
            <dd className="mono">{g.projectId}</dd>
            {Object.entries(g.metadata).map(([key, value]) => (
              <MetadataRow key={key} name={key} value={value} />
            ))}
          </dl>
        </section>

        <section className="panel">
          <h2>Timing and outcome</h2>
          <dl className="kv">
            <dt>Started</dt>
            <dd>{formatTime(g.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatTime(g.finishedAt)}</dd>
            <dt>Latency</dt>
            <dd data-testid="latency">{formatDuration(g.latencyMs)}</dd>
            <dt>Time to first token</dt>
            <dd>{formatDuration(g.ttftMs)}</dd>
            <dt>Finish reason</dt>
            <dd>{g.finishReason || "-"}</dd>
            <dt>Cache</dt>
            <dd>
              {g.cacheHit ? (
                <>
                  hit, served from{" "}
                  {g.cacheSourceId ? (
                    <Link className="mono" to={`/generation/${encodeURIComponent(g.cacheSourceId)}`}>
                      {g.cacheSourceId}
                    </Link>
                  ) : (
                    "an unknown generation"
                  )}
                </>
              ) : (
                "miss"
              )}
            </dd>
            <dt>Trace</dt>
            <dd className="mono">{g.traceId || "-"}</dd>
            <dt>Span</dt>
            <dd className="mono">{g.spanId || "-"}</dd>
          </dl>
        </section>

        <section className="panel" data-testid="cost">
          <h2>Cost</h2>
          {g.unpriced && g.status !== "pending" && usage.every(([, value]) => value === 0) ? (
            <p data-testid="cost-unknown">
              <span className="badge unpriced">cost unknown</span> The provider never reported token usage for
              this call ({missingUsageCause(g.status)}), so its cost is unknown (not zero).
            </p>
          ) : g.unpriced ? (
            <p>
              <span className="badge unpriced">unpriced</span> No price entry matched{" "}
              <span className="mono">
                {g.provider}/{g.model}
              </span>
              , so this generation has no cost (not zero). Add a price override to count it.
            </p>
          ) : g.status === "pending" ? (
            <p className="muted">Known when the generation completes.</p>
          ) : cost?.total ? (
            <dl className="kv">
              <dt>Total</dt>
              <dd>
                <strong data-testid="cost-total">{cost.total}</strong>
              </dd>
              {cost.parts.map((part) => (
                <CostRow key={part.label} label={part.label} value={part.value} />
              ))}
              <dt>Price entry</dt>
              <dd className="mono">{g.priceEntry || "-"}</dd>
              {cost.saved ? (
                <>
                  <dt>Saved by cache</dt>
                  <dd>{cost.saved}</dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="muted">No cost recorded.</p>
          )}
        </section>

        <section className="panel" data-testid="usage">
          <h2>Usage</h2>
          <dl className="kv">
            {usage
              .filter(([, value], index) => value > 0 || index < 2)
              .map(([label, value]) => (
                <UsageRow key={label} label={label} value={value} />
              ))}
            {g.output.embeddings !== undefined ? (
              <>
                <dt>Embeddings</dt>
                <dd>{formatCount(g.output.embeddings)}</dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>

      {hidden ? (
        <div className="notice warn" data-testid="text-hidden">
          Prompt and output text are hidden for your role ({hidden.promptMessages} prompt message
          {hidden.promptMessages === 1 ? "" : "s"}, {hidden.outputMessages} output message
          {hidden.outputMessages === 1 ? "" : "s"}
          {hidden.hasObject ? ", a structured object" : ""}). Admin and support members can read them.
        </div>
      ) : (
        <>
          <section className="panel" data-testid="prompt">
            <h2>Prompt</h2>
            {g.prompt.system ? (
              <div className="message" data-role="system">
                <div className="role">system</div>
                <div className="body">
                  <pre className="plain-text">{g.prompt.system}</pre>
                </div>
              </div>
            ) : null}
            {g.prompt.messages.map((message, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed.
              <MessageView key={index} message={message} markdown={false} />
            ))}
            {g.prompt.values ? <JsonView value={g.prompt.values} /> : null}
            {!g.prompt.system && g.prompt.messages.length === 0 && !g.prompt.values ? (
              <p className="muted">No prompt was recorded.</p>
            ) : null}
            {g.prompt.tools.length > 0 ? (
              <details>
                <summary>Tool definitions ({g.prompt.tools.length})</summary>
                <JsonView value={g.prompt.tools} />
              </details>
            ) : null}
          </section>

          <section className="panel" data-testid="output">
            <h2>Output</h2>
            {g.output.messages.map((message, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity; their order is fixed.
              <MessageView key={index} message={message} markdown />
            ))}
            {g.output.object !== undefined ? (
              <>
                <h3>Object</h3>
                <JsonView value={g.output.object} testId="output-object" />
              </>
            ) : null}
            {g.output.messages.length === 0 && g.output.object === undefined ? (
              <p className="muted">
                {g.status === "pending" ? "Waiting for the model to finish." : "No output was recorded."}
              </p>
            ) : null}
          </section>
        </>
      )}

      <section className="panel" data-testid="trace">
        <h2>Trace</h2>
        {spans.length > 0 ? (
          <Waterfall rows={spans} totalMs={traceMs} currentId={g.id} />
        ) : (
          <p className="muted">No spans were stored for this trace.</p>
        )}
      </section>

      <section className="panel">
        <details>
          <summary>Raw record (JSON)</summary>
          <JsonView value={g} testId="raw-record" />
        </details>
      </section>
    </>
  );
}

function MetadataRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt className="mono">{name}</dt>
      <dd>{value}</dd>
    </>
  );
}

function CostRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function UsageRow({ label, value }: { label: string; value: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{formatCount(value)}</dd>
    </>
  );
}
