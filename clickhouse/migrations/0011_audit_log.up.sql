-- Who changed members and API keys, and sign-in outcomes. Append-only.
CREATE TABLE IF NOT EXISTS audit_log{{on_cluster}}
(
    at DateTime64(3, 'UTC'),
    actor String,
    action LowCardinality(String),
    target String,
    detail String,
    ip String
)
ENGINE = {{global_engine:MergeTree}}
PARTITION BY toYYYYMM(at)
ORDER BY (at, action)
TTL toDateTime(at) + INTERVAL 400 DAY
