-- Keel schema 7 (SQLite): which objects each dataset may reference and serve
-- (DatasetStore.inScope). Keel's dataset store created this table on open before it was a
-- migration, hence IF NOT EXISTS: such databases keep their table and rows.
CREATE TABLE IF NOT EXISTS data_dataset_objects (
    dataset TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (dataset, hash)
) WITHOUT ROWID;
