/** A value as pretty-printed JSON (strings that hold JSON are parsed first). */
export function JsonView({ value, testId }: { value: unknown; testId?: string }) {
  return (
    <pre className="json" data-testid={testId}>
      {prettyJson(value)}
    </pre>
  );
}

/** Pretty JSON text; a string that parses as JSON is shown parsed. */
export function prettyJson(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v), 2) ?? "null";
}
