DROP TABLE IF EXISTS reprice_audit
