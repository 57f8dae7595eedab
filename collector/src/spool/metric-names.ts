/** Metric names of the spool, beside the shared ones in `METRIC`. */
export const SPOOL_METRIC = {
  /** histogram: append called -> fsync'd (seconds). */
  appendLatency: "genledger_collector_spool_append_seconds",
  /** counter: fsyncs of segment data; appends_total / fsyncs_total is the group-commit factor. */
  fsyncs: "genledger_collector_spool_fsyncs_total",
  /** counter: batches appended. */
  appends: "genledger_collector_spool_appends_total",
  /** counter: appends refused because the spool was full. */
  full: "genledger_collector_spool_full_total",
  /** gauge: segments on disk. */
  segments: "genledger_collector_spool_segments",
} as const;
