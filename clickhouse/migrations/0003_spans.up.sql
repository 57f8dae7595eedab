-- Every span of a trace that produced a generation, for the trace view of /generation/:id.
-- Spans are immutable: ReplacingMergeTree only absorbs re-delivered copies; reads also use
-- LIMIT 1 BY span_id, so a copy not yet merged away is never shown twice.
CREATE TABLE IF NOT EXISTS {{local:spans}}{{on_cluster}}
(
    project_id LowCardinality(String),
    trace_id String,
    span_id String,
    parent_span_id String,
    name LowCardinality(String),
    kind LowCardinality(String),
    start_time DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    end_time DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    status_code Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    status_message String CODEC(ZSTD(1)),
    attributes Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    generation_id String,
    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_generation generation_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = {{engine:ReplacingMergeTree}}
PARTITION BY toMonday(start_time)
ORDER BY (project_id, trace_id, span_id){{ttl_raw:start_time}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

{{distributed:spans:cityHash64(trace_id)}};
