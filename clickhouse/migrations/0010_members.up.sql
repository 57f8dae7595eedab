-- Dashboard members. One row per change; reads use FINAL so the highest version per e-mail wins,
-- and a row with deleted = 1 removes the member. Replicated to every node, not sharded, so any
-- dashboard replica can resolve a session.
CREATE TABLE IF NOT EXISTS members{{on_cluster}}
(
    email String,
    name String,
    role LowCardinality(String),
    password_hash String,
    created_at DateTime64(3, 'UTC'),
    created_by String,
    updated_at DateTime64(3, 'UTC'),
    deleted UInt8 DEFAULT 0,
    version UInt64
)
ENGINE = {{global_engine:ReplacingMergeTree(version, deleted)}}
ORDER BY email
