-- Bookkeeping tables the migration runner needs before the first migration. One row per change;
-- the latest `at` per key wins. Replicated to every node (not sharded) in a cluster.
CREATE TABLE IF NOT EXISTS schema_migrations{{on_cluster}}
(
    version UInt32,
    name String,
    applied Bool,
    checksum String,
    at DateTime64(6, 'UTC')
)
ENGINE = {{global_engine:ReplacingMergeTree(at)}}
ORDER BY version;

CREATE TABLE IF NOT EXISTS retention_policy{{on_cluster}}
(
    data_class LowCardinality(String),
    days UInt32,
    at DateTime64(6, 'UTC')
)
ENGINE = {{global_engine:ReplacingMergeTree(at)}}
ORDER BY data_class;
