DROP TABLE IF EXISTS api_keys{{on_cluster}};
