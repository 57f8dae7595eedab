DROP TABLE IF EXISTS alert_rules{{on_cluster}}
