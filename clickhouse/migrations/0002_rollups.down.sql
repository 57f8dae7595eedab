{{drop_distributed:generation_rollups_daily}};
{{drop_distributed:generation_rollups_hourly}};
DROP VIEW IF EXISTS {{local:generation_rollups_daily_mv}}{{on_cluster}};
DROP VIEW IF EXISTS {{local:generation_rollups_hourly_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_rollups_daily}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_rollups_hourly}}{{on_cluster}};
