{{drop_distributed:generation_rollups_user_model_daily}};
DROP VIEW IF EXISTS {{local:generation_rollups_user_model_daily_mv}}{{on_cluster}};
DROP TABLE IF EXISTS {{local:generation_rollups_user_model_daily}}{{on_cluster}};
