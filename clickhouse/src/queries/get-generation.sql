-- One generation: its (project, start hour) from the id table, then a primary-key seek in the raw
-- table; the highest version wins. Both tables are sharded by id, so the IN stays on one shard.
-- One thread and no PREWHERE: a point read of one granule gains nothing from either, and skipping
-- their set-up took ~2 ms off ~19 ms at 1M rows (docs/decisions/001).
SELECT record_json, prompt, output
FROM generations
WHERE (project_id, toStartOfHour(started_at)) IN (
    SELECT project_id, toStartOfHour(started_at)
    FROM generation_ids
    WHERE id = {id:String} AND ({projectId:String} = '' OR project_id = {projectId:String})
  )
  AND id = {id:String}
  AND ({projectId:String} = '' OR project_id = {projectId:String})
ORDER BY version DESC
LIMIT 1
SETTINGS distributed_product_mode = 'local', max_threads = 1, optimize_move_to_prewhere = 0
