DROP TABLE IF EXISTS alert_firings{{on_cluster}}
