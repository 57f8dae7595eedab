-- Copies the latest pending row of each candidate as `abandoned` (rank 1): it beats pending, and any
-- final record that arrives later (rank 2) still beats it. Rollups ignore abandoned rows.
-- The filter sits in a subquery: in the outer SELECT, `status` and `version` name the replacements.
INSERT INTO generations
SELECT * REPLACE (
    CAST('abandoned', 'Enum8(\'pending\' = 0, \'abandoned\' = 1, \'complete\' = 2, \'error\' = 3, \'aborted\' = 4)') AS status,
    {version:UInt64} AS version
)
FROM (
    SELECT *
    FROM generations
    WHERE started_at < {cutoff:DateTime64(3, 'UTC')} AND started_at >= {since:DateTime64(3, 'UTC')}
      AND status = 'pending'
      AND id IN (
        SELECT id FROM generation_ids
        WHERE started_at < {cutoff:DateTime64(3, 'UTC')} AND started_at >= {since:DateTime64(3, 'UTC')}
        GROUP BY id HAVING max(max_rank) = 0
      )
    ORDER BY version DESC
    LIMIT 1 BY id
)
SETTINGS insert_deduplicate = 0, distributed_product_mode = 'local'
