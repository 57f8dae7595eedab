-- Raw generations: one row per delivered state of a generation (pending, then final).
-- ReplacingMergeTree(version) collapses copies with the same key in the background; reads never
-- rely on that and pick the highest version per id themselves (ORDER BY version DESC LIMIT 1 BY id).
-- version = statusRank * 1e13 + write time in ms, so a final record beats pending and a real
-- outcome beats `abandoned` whatever the arrival order. Money columns are integer nano-dollars.
-- The sort key holds only fields fixed when the call starts (project, start hour, id). The hour,
-- not the exact start: the pending marker and the final span start a few ms apart, and with the
-- same key their rows collapse on merge instead of keeping the pending copy (and its prompt).
CREATE TABLE IF NOT EXISTS {{local:generations}}{{on_cluster}}
(
    id String CODEC(ZSTD(1)),
    project_id LowCardinality(String),
    status Enum8('pending' = 0, 'abandoned' = 1, 'complete' = 2, 'error' = 3, 'aborted' = 4),
    version UInt64,
    operation LowCardinality(String),
    user_id String CODEC(ZSTD(1)),
    session_id String CODEC(ZSTD(1)),
    function_id LowCardinality(String),
    tags Array(LowCardinality(String)),
    metadata Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    provider LowCardinality(String),
    model LowCardinality(String),
    response_model LowCardinality(String),
    -- Bodies as JSON (the domain Prompt / Output), plain text for search, short previews for lists.
    prompt String CODEC(ZSTD(3)){{ttl_text:started_at}},
    output String CODEC(ZSTD(3)){{ttl_text:started_at}},
    prompt_text String CODEC(ZSTD(3)){{ttl_text:started_at}},
    output_text String CODEC(ZSTD(3)){{ttl_text:started_at}},
    prompt_preview String CODEC(ZSTD(1)){{ttl_text:started_at}},
    output_preview String CODEC(ZSTD(1)){{ttl_text:started_at}},
    finish_reason LowCardinality(String),
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_write_tokens UInt64,
    reasoning_tokens UInt64,
    images UInt64,
    -- has_cost = 0 means the cost is unknown (pending or unpriced): never read the zeros as a price.
    has_cost Bool,
    cost_total UInt64,
    cost_input UInt64,
    cost_output UInt64,
    cost_cache_read UInt64,
    cost_cache_write UInt64,
    cost_reasoning UInt64,
    cost_image UInt64,
    unpriced Bool,
    price_entry LowCardinality(String),
    cache_hit Bool,
    cache_source_id String CODEC(ZSTD(1)),
    cost_saved_nanos UInt64,
    warnings Array(String) CODEC(ZSTD(1)),
    redactions Array(LowCardinality(String)),
    started_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    finished_at Nullable(DateTime64(3, 'UTC')),
    latency_ms Nullable(UInt32),
    ttft_ms Nullable(UInt32),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    error Nullable(String) CODEC(ZSTD(1)),
    -- Every column above but the bodies, as one JSON object, computed by ClickHouse on every insert
    -- (INSERT ... SELECT * REPLACE included). A point read or a list page then reads 3 columns
    -- instead of 45: ~10 ms instead of ~25 ms on chDB (docs/decisions/001).
    record_json String MATERIALIZED formatRowNoNewline('JSONEachRow',
        id, project_id, status, operation, user_id, session_id, function_id, tags, metadata,
        provider, model, response_model, finish_reason, toString(input_tokens) AS input_tokens,
        toString(output_tokens) AS output_tokens, toString(cache_read_tokens) AS cache_read_tokens,
        toString(cache_write_tokens) AS cache_write_tokens,
        toString(reasoning_tokens) AS reasoning_tokens, toString(images) AS images, has_cost,
        toString(cost_total) AS cost_total, toString(cost_input) AS cost_input,
        toString(cost_output) AS cost_output, toString(cost_cache_read) AS cost_cache_read,
        toString(cost_cache_write) AS cost_cache_write, toString(cost_reasoning) AS cost_reasoning,
        toString(cost_image) AS cost_image, unpriced, price_entry, cache_hit, cache_source_id,
        toString(cost_saved_nanos) AS cost_saved_nanos, warnings, redactions,
        toString(started_at) AS started_at, toString(finished_at) AS finished_at, latency_ms,
        ttft_ms, trace_id, span_id, error) CODEC(ZSTD(1)),
    -- No bloom filter on id: lookups go through generation_ids (see docs/decisions/001).
    INDEX idx_user user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = {{engine:ReplacingMergeTree(version)}}
PARTITION BY toMonday(started_at)
ORDER BY (project_id, toStartOfHour(started_at), id){{ttl_raw:started_at}}
-- Rows are ~4 KB with the search text: 256 KiB granules keep a point read to ~60 rows (default 10 MiB).
SETTINGS index_granularity_bytes = 262144, ttl_only_drop_parts = 1, {{dedup_window}};

-- id -> (project, start time, highest status rank and version): a primary-key seek for
-- getGeneration, the "already final?" check of insertGenerations, the "is this row the latest?"
-- check of listGenerations, and the pending scan of markAbandoned.
CREATE TABLE IF NOT EXISTS {{local:generation_ids}}{{on_cluster}}
(
    id String,
    project_id LowCardinality(String),
    started_at DateTime64(3, 'UTC'),
    max_rank SimpleAggregateFunction(max, UInt8),
    max_version SimpleAggregateFunction(max, UInt64)
)
ENGINE = {{engine:AggregatingMergeTree}}
PARTITION BY toMonday(started_at)
ORDER BY (id, project_id, started_at){{ttl_raw:started_at}}
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_ids_mv}}{{on_cluster}}
TO {{local:generation_ids}}
AS SELECT id, project_id, started_at, toUInt8(intDiv(version, 10000000000000)) AS max_rank, version AS max_version
FROM {{local:generations}};

{{distributed:generations:cityHash64(id)}};
{{distributed:generation_ids:cityHash64(id)}};
