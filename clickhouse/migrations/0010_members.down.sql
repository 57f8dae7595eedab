DROP TABLE IF EXISTS members{{on_cluster}}
