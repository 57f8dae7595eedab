-- Alert rules: what to watch (kind + JSON params), where to deliver (one webhook, optional) and
-- how long to stay quiet after firing. Versioned like budgets; read with FINAL.
CREATE TABLE IF NOT EXISTS alert_rules{{on_cluster}}
(
    project_id String,
    id String,
    name String,
    kind LowCardinality(String),
    params String,
    webhook_url String,
    webhook_format LowCardinality(String),
    webhook_secret String,
    cooldown_seconds UInt32,
    enabled UInt8,
    created_by String,
    created_at DateTime64(3, 'UTC'),
    updated_by String,
    updated_at DateTime64(3, 'UTC'),
    deleted UInt8 DEFAULT 0,
    version UInt64
)
ENGINE = {{global_engine:ReplacingMergeTree(version, deleted)}}
ORDER BY (project_id, id)
