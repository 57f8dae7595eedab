DROP TABLE IF EXISTS alert_firings
