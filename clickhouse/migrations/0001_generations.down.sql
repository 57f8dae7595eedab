{{drop_distributed:generation_ids}};
{{drop_distributed:generations}};
DROP VIEW IF EXISTS {{local:generation_ids_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_ids}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generations}}{{on_cluster}};
