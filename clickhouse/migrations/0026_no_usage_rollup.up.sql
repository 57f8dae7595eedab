-- Final generations whose provider reported no usage at all (a call aborted or failed before the
-- usage arrived): their cost is unknown because the usage is, not the price. They carry the
-- `unpriced` flag like generations of a model without a price, and the rollups count both in
-- `unpriced_requests`; this table tells them apart, so the costs view can name the models that
-- really lack a price and say how many calls reported no usage. Such calls are rare, so the table
-- keeps every dimension the costs view filters by (tags as the array, filtered with has()) and stays
-- small. SummingMergeTree: always re-aggregate with sum(). Rebuilt by rebuildAnalyticsRollups.

CREATE TABLE IF NOT EXISTS {{local:generation_no_usage_hourly}}{{on_cluster}}
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    provider LowCardinality(String),
    model LowCardinality(String),
    user_id String,
    function_id LowCardinality(String),
    tags Array(LowCardinality(String)),
    requests UInt64
)
ENGINE = {{engine:SummingMergeTree}}
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, provider, model, user_id, function_id, tags){{ttl_rollups:hour}}
SETTINGS ttl_only_drop_parts = 1, {{dedup_window}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local:generation_no_usage_hourly_mv}}{{on_cluster}}
TO {{local:generation_no_usage_hourly}}
AS SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    provider, model, user_id, function_id, tags,
    count() AS requests
FROM {{local:generations}}
WHERE status IN ('complete', 'error', 'aborted') AND unpriced
  AND (input_tokens + output_tokens + cache_read_tokens + cache_write_tokens + reasoning_tokens + images) = 0
GROUP BY project_id, hour, provider, model, user_id, function_id, tags;

{{distributed:generation_no_usage_hourly:rand()}};

-- Backfill what was stored before this migration (a view only sees new inserts); the latest
-- version of each generation counts, as in every read.
INSERT INTO generation_no_usage_hourly
SELECT
    project_id,
    toStartOfHour(started_at) AS hour,
    provider, model, user_id, function_id, tags,
    count() AS requests
FROM (SELECT project_id, started_at, provider, model, user_id, function_id, tags, status, unpriced,
             input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, images
      FROM generations ORDER BY version DESC LIMIT 1 BY id)
WHERE status IN ('complete', 'error', 'aborted') AND unpriced
  AND (input_tokens + output_tokens + cache_read_tokens + cache_write_tokens + reasoning_tokens + images) = 0
GROUP BY project_id, hour, provider, model, user_id, function_id, tags
SETTINGS insert_deduplicate = 0;
