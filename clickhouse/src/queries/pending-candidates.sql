-- Generations whose every stored row is pending and that started before the cutoff.
SELECT id
FROM generation_ids
WHERE started_at < {cutoff:DateTime64(3, 'UTC')} AND started_at >= {since:DateTime64(3, 'UTC')}
GROUP BY id
HAVING max(max_rank) = 0
