-- Keel schema 7 (PostgreSQL): which objects each dataset may reference and serve, as in
-- sqlite/V7.sql. Keel's dataset store created this table on open before it was a migration,
-- hence IF NOT EXISTS: such databases keep their table and rows.
CREATE TABLE IF NOT EXISTS data_dataset_objects (
    dataset TEXT COLLATE "C" NOT NULL,
    hash    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (dataset, hash)
);
