{{drop_distributed:generation_rollups_users_daily}};
DROP VIEW IF EXISTS {{local:generation_rollups_users_daily_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_rollups_users_daily}}{{on_cluster}};
{{drop_distributed:generation_rollups_dims_hourly}};
DROP VIEW IF EXISTS {{local:generation_rollups_dims_hourly_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_rollups_dims_hourly}}{{on_cluster}};
{{drop_distributed:generation_rollups_tags_hourly}};
DROP VIEW IF EXISTS {{local:generation_rollups_tags_hourly_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_rollups_tags_hourly}}{{on_cluster}};
