DROP TABLE IF EXISTS budgets{{on_cluster}}
