-- Highest status rank already stored per id (0 pending, 1 abandoned, 2 final), for the ids of a batch.
SELECT id, max(max_rank) AS rank
FROM generation_ids
WHERE id IN {ids:Array(String)}
GROUP BY id
