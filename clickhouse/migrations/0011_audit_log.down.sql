DROP TABLE IF EXISTS audit_log{{on_cluster}}
