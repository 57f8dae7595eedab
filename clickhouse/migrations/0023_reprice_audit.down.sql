DROP TABLE IF EXISTS reprice_audit{{on_cluster}}
