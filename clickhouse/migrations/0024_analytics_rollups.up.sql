-- Spend per tag and hour, for the costs views grouped or filtered by tag (the main rollups have no
-- tags). Same measures and the same final-records-only rule as generation_rollups_hourly; a
-- generation with several tags counts once under each, one without tags under ''.
-- SummingMergeTree: always re-aggregate with sum() when reading. Rebuilt with the main rollups
-- by the analytics reprice (rebuildRollups).
CREATE TABLE IF NOT EXISTS {{local:generation_rollups_tags_hourly}}{{on_cluster}}
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    tag LowCardinality(String),
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
ORDER BY (project_id, hour, tag, user_id, model, provider, function_id, status){{ttl_rollups:hour}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_rollups_tags_hourly_mv}}{{on_cluster}}
TO {{local:generation_rollups_tags_hourly}}
AS SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    arrayJoin(if(empty(tags), [''], arrayDistinct(tags))) AS tag,
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
GROUP BY project_id, hour, tag, user_id, model, provider, function_id, status;

{{distributed:generation_rollups_tags_hourly:rand()}};

-- Backfill what was stored before this migration (the view only sees new inserts). The latest
-- version of each generation counts, as in every read.
INSERT INTO generation_rollups_tags_hourly
SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    arrayJoin(if(empty(tags), [''], arrayDistinct(tags))) AS tag,
    user_id, model, provider, function_id, status,
    count() AS requests,
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
    sum(cost_total), countIf(unpriced), countIf(cache_hit), sum(cost_saved_nanos)
FROM
(
    SELECT project_id, started_at, tags, user_id, model, provider, function_id, status, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_total, unpriced, cache_hit, cost_saved_nanos
    FROM generations
    ORDER BY version DESC
    LIMIT 1 BY id
)
WHERE status IN ('complete', 'error', 'aborted')
GROUP BY project_id, hour, tag, user_id, model, provider, function_id, status;
