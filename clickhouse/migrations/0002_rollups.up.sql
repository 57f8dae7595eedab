-- Spend rollups per hour and per day, fed only by final records with a real outcome
-- (complete, error, aborted): pending and abandoned rows never count, so a generation is counted
-- once when insertGenerations lets its final record in once (it skips re-delivered finals).
-- SummingMergeTree collapses rows only on merge: always re-aggregate with sum() when reading.
-- reconcileRollups() recomputes closed hours from the raw table for multi-writer set-ups.
CREATE TABLE IF NOT EXISTS {{local:generation_rollups_hourly}}{{on_cluster}}
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    user_id String,
    model LowCardinality(String),
    provider LowCardinality(String),
    function_id LowCardinality(String),
    status Enum8('pending' = 0, 'abandoned' = 1, 'complete' = 2, 'error' = 3, 'aborted' = 4),
    requests UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_write_tokens UInt64,
    reasoning_tokens UInt64,
    cost_total UInt64,
    unpriced_requests UInt64,
    cache_hits UInt64,
    cost_saved_nanos UInt64
)
ENGINE = {{engine:SummingMergeTree}}
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, user_id, model, provider, function_id, status){{ttl_rollups:hour}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE TABLE IF NOT EXISTS {{local:generation_rollups_daily}}{{on_cluster}}
(
    project_id LowCardinality(String),
    day Date,
    user_id String,
    model LowCardinality(String),
    provider LowCardinality(String),
    function_id LowCardinality(String),
    status Enum8('pending' = 0, 'abandoned' = 1, 'complete' = 2, 'error' = 3, 'aborted' = 4),
    requests UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_write_tokens UInt64,
    reasoning_tokens UInt64,
    cost_total UInt64,
    unpriced_requests UInt64,
    cache_hits UInt64,
    cost_saved_nanos UInt64
)
ENGINE = {{engine:SummingMergeTree}}
PARTITION BY toYYYYMM(day)
ORDER BY (project_id, day, user_id, model, provider, function_id, status){{ttl_rollups:day}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_rollups_hourly_mv}}{{on_cluster}}
TO {{local:generation_rollups_hourly}}
AS SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    user_id, model, provider, function_id, status,
    count() AS requests,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cost_total) AS cost_total,
    countIf(unpriced) AS unpriced_requests,
    countIf(cache_hit) AS cache_hits,
    sum(cost_saved_nanos) AS cost_saved_nanos
FROM {{local:generations}}
WHERE status IN ('complete', 'error', 'aborted')
GROUP BY project_id, hour, user_id, model, provider, function_id, status;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_rollups_daily_mv}}{{on_cluster}}
TO {{local:generation_rollups_daily}}
AS SELECT
    project_id,
    toDate(started_at) AS day,
    user_id, model, provider, function_id, status,
    count() AS requests,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cost_total) AS cost_total,
    countIf(unpriced) AS unpriced_requests,
    countIf(cache_hit) AS cache_hits,
    sum(cost_saved_nanos) AS cost_saved_nanos
FROM {{local:generations}}
WHERE status IN ('complete', 'error', 'aborted')
GROUP BY project_id, day, user_id, model, provider, function_id, status;

{{distributed:generation_rollups_hourly:rand()}};
{{distributed:generation_rollups_daily:rand()}};
