-- API keys (ingest or read). Only a SHA-256 of the secret is stored. One row per change (create,
-- revoke); the highest version wins, read with FINAL (low volume). Replicated to every node, not
-- sharded, so any node can authenticate a request.
CREATE TABLE IF NOT EXISTS api_keys{{on_cluster}}
(
    id String,
    project_id String,
    name String,
    scope Enum8('ingest' = 1, 'read' = 2),
    key_hash String,
    key_prefix String,
    created_by String,
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = {{global_engine:ReplacingMergeTree(version)}}
ORDER BY id;
