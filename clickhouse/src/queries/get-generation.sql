-- One generation: its (project, start hour) from the id table, then a primary-key seek in the raw
-- table; the highest version wins. Both tables are sharded by id, so the IN stays on one shard.
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
SETTINGS distributed_product_mode = 'local'
