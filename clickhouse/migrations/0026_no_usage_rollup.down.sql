{{drop_distributed:generation_no_usage_hourly}};
DROP VIEW IF EXISTS {{local:generation_no_usage_hourly_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_no_usage_hourly}}{{on_cluster}};
