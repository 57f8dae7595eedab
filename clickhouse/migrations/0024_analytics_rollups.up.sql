-- Narrow spend rollups for the costs views, next to the main ones (0002), which carry user x model
-- x function x status per hour and grow with the number of users:
--   generation_rollups_dims_hourly  model x provider x function x status per hour (no user): small,
--                                   whatever the traffic; costs by model / provider / function.
--   generation_rollups_users_daily  per user and day only: costs by user.
--   generation_rollups_tags_hourly  per tag (no user): a generation with several tags counts once
--                                   under each, one without tags under ''.
-- Same measures and the same rule as the main rollups: only final records with a real outcome.
-- SummingMergeTree: always re-aggregate with sum(). Rebuilt from the raw table by
-- rebuildAnalyticsRollups (the analytics reprice, and multi-writer reconciliation).

CREATE TABLE IF NOT EXISTS {{local:generation_rollups_tags_hourly}}{{on_cluster}}
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    tag LowCardinality(String),
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
ORDER BY (project_id, hour, tag, model, provider, function_id, status){{ttl_rollups:hour}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_rollups_tags_hourly_mv}}{{on_cluster}}
TO {{local:generation_rollups_tags_hourly}}
AS SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    arrayJoin(if(empty(tags), [''], arrayDistinct(tags))) AS tag,
    model,
    provider,
    function_id,
    status,
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
GROUP BY project_id, hour, tag, model, provider, function_id, status;

{{distributed:generation_rollups_tags_hourly:rand()}};

-- Backfill what was stored before this migration (a view only sees new inserts); the latest
-- version of each generation counts, as in every read.
INSERT INTO generation_rollups_tags_hourly
SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    arrayJoin(if(empty(tags), [''], arrayDistinct(tags))) AS tag,
    model,
    provider,
    function_id,
    status,
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
FROM (SELECT project_id, started_at, tags, user_id, model, provider, function_id, status, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_total, unpriced, cache_hit, cost_saved_nanos FROM generations ORDER BY version DESC LIMIT 1 BY id)
WHERE status IN ('complete', 'error', 'aborted')
GROUP BY project_id, hour, tag, model, provider, function_id, status
SETTINGS insert_deduplicate = 0;

CREATE TABLE IF NOT EXISTS {{local:generation_rollups_dims_hourly}}{{on_cluster}}
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
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
ORDER BY (project_id, hour, model, provider, function_id, status){{ttl_rollups:hour}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_rollups_dims_hourly_mv}}{{on_cluster}}
TO {{local:generation_rollups_dims_hourly}}
AS SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    model,
    provider,
    function_id,
    status,
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
GROUP BY project_id, hour, model, provider, function_id, status;

{{distributed:generation_rollups_dims_hourly:rand()}};

-- Backfill what was stored before this migration (a view only sees new inserts); the latest
-- version of each generation counts, as in every read.
INSERT INTO generation_rollups_dims_hourly
SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    model,
    provider,
    function_id,
    status,
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
FROM (SELECT project_id, started_at, tags, user_id, model, provider, function_id, status, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_total, unpriced, cache_hit, cost_saved_nanos FROM generations ORDER BY version DESC LIMIT 1 BY id)
WHERE status IN ('complete', 'error', 'aborted')
GROUP BY project_id, hour, model, provider, function_id, status
SETTINGS insert_deduplicate = 0;

CREATE TABLE IF NOT EXISTS {{local:generation_rollups_users_daily}}{{on_cluster}}
(
    project_id LowCardinality(String),
    day Date,
    user_id String,
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
ORDER BY (project_id, day, user_id){{ttl_rollups:day}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_rollups_users_daily_mv}}{{on_cluster}}
TO {{local:generation_rollups_users_daily}}
AS SELECT
    project_id,
    toDate(started_at) AS day,
    user_id,
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
GROUP BY project_id, day, user_id;

{{distributed:generation_rollups_users_daily:rand()}};

-- Backfill what was stored before this migration (a view only sees new inserts); the latest
-- version of each generation counts, as in every read.
INSERT INTO generation_rollups_users_daily
SELECT
    project_id,
    toDate(started_at) AS day,
    user_id,
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
FROM (SELECT project_id, started_at, tags, user_id, model, provider, function_id, status, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_total, unpriced, cache_hit, cost_saved_nanos FROM generations ORDER BY version DESC LIMIT 1 BY id)
WHERE status IN ('complete', 'error', 'aborted')
GROUP BY project_id, day, user_id
SETTINGS insert_deduplicate = 0;
