{{drop_distributed:spans}};
DROP TABLE IF EXISTS {{local:spans}}{{on_cluster}};
