-- Spending budgets. One row per change; reads use FINAL so the highest version per budget wins,
-- and a row with deleted = 1 removes the budget. Money in integer nano-dollars.
CREATE TABLE IF NOT EXISTS budgets{{on_cluster}}
(
    project_id String,
    id String,
    name String,
    scope LowCardinality(String),
    scope_value String,
    period LowCardinality(String),
    amount_nanos UInt64,
    thresholds Array(UInt16),
    enforcement LowCardinality(String),
    created_by String,
    created_at DateTime64(3, 'UTC'),
    updated_by String,
    updated_at DateTime64(3, 'UTC'),
    deleted UInt8 DEFAULT 0,
    version UInt64
)
ENGINE = {{global_engine:ReplacingMergeTree(version, deleted)}}
ORDER BY (project_id, id)
