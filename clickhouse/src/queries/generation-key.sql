-- Where a generation's rows live: the project and start-time range, for a primary-key seek.
SELECT project_id, toString(min(started_at)) AS lo, toString(max(started_at)) AS hi
FROM generation_ids
WHERE id = {id:String} AND ({projectId:String} = '' OR project_id = {projectId:String})
GROUP BY project_id
LIMIT 1
