-- Alert history. A firing is written when it fires (delivery_status 'pending') and again once its
-- webhook delivery finished; the higher version wins (read with FINAL). The sort key starts with
-- the immutable firing time, so history pages read one small range.
CREATE TABLE IF NOT EXISTS alert_firings{{on_cluster}}
(
    project_id String,
    fired_at DateTime64(3, 'UTC'),
    id String,
    rule_id String,
    kind LowCardinality(String),
    dedup_key String,
    severity LowCardinality(String),
    title String,
    message String,
    details String,
    evidence_url String,
    delivery_status LowCardinality(String),
    delivery_attempts UInt8,
    delivery_error String,
    version UInt64
)
ENGINE = {{global_engine:ReplacingMergeTree(version)}}
PARTITION BY toYYYYMM(fired_at)
ORDER BY (project_id, fired_at, id)
TTL toDateTime(fired_at) + INTERVAL 400 DAY
