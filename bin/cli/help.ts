/** The `--help` text. */
export const USAGE = `genledger: keep every AI SDK generation (prompt, output, usage, cost) and see where the money goes.

Usage: genledger <command> [options]

Commands:
  start        Everything in one process, on embedded defaults: ClickHouse (chDB) under the data
               directory, blobs on disk, an in-memory key-value store, the OTLP collector on :4318,
               the dashboard on :3000 and the alert evaluator. The first start prints the first
               admin's credentials and an ingest key, once.
  collector    The OTLP/HTTP collector, the abandoned-call sweeper and the alert evaluator, against
               a ClickHouse server (GENLEDGER_CLICKHOUSE_URL). Run several behind one address.
  dashboard    The dashboard, against a ClickHouse server (GENLEDGER_CLICKHOUSE_URL).
  migrate      Apply pending ClickHouse migrations, then exit.
  health <collector|dashboard>
               Exit 0 when the process on this machine answers its health check (containers).
  config [start|collector|dashboard|migrate]
               Validate the configuration and print it (secrets hidden).

Options (start):
  --data-dir <dir>          Same as GENLEDGER_DATA_DIR (default ./.genledger).
  --collector-port <port>   Same as GENLEDGER_COLLECTOR_PORT (default 4318; 0 = any free port).
  --dashboard-port <port>   Same as GENLEDGER_DASHBOARD_PORT (default 3000; 0 = any free port).
  -h, --help                This text.
  -v, --version             The version.

Everything else is configured with environment variables: see docs/configuration.md.
Ctrl-C stops gracefully: accepted data still in the spool is written before exit (a second
Ctrl-C exits at once; the spool keeps the rest for the next start).
`;
