-- Highest status rank already stored per id (0 pending, 1 abandoned, 2 final), for the ids of a batch.
-- The ids go through a subquery: `id IN {ids:Array(String)}` with tens of thousands of similar ids
-- took minutes on chDB 26.7 (the subquery form builds a hash set: ~0.3 s for 50k ids).
SELECT id, max(max_rank) AS rank
FROM generation_ids
WHERE id IN (SELECT arrayJoin({ids:Array(String)}))
GROUP BY id
