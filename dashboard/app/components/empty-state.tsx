import type { ReactNode } from "react";

/** Shown instead of an empty table: what happened and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel empty" data-testid="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** The first-run instructions: the one import that starts recording generations. */
export function InstallHint() {
  return (
    <>
      <p>Add one import to the Node service that calls the AI SDK, and point it at the collector:</p>
      <pre>
        {
          'import "@genledger/instrumentation/register";\n\n# environment of that service\nGENLEDGER_ENDPOINT=http://localhost:4318'
        }
      </pre>
      <p>Every generateText, streamText, generateObject and embed call then shows up here within seconds.</p>
    </>
  );
}
