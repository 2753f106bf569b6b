-- Keel schema 2 (SQLite): dataset versioning (issue 4). Idempotent (IF NOT EXISTS): Keel's dataset
-- store once ran this script itself on open, so databases may hold these tables without version 2.
CREATE TABLE IF NOT EXISTS data_datasets (
    name        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL DEFAULT 'private',
    created_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS data_versions (
    dataset     TEXT NOT NULL REFERENCES data_datasets(name),
    number      INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    file_count  INTEGER NOT NULL,
    total_bytes INTEGER NOT NULL,
    parent      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dataset, number)
);
CREATE INDEX IF NOT EXISTS data_versions_hash ON data_versions(hash);
CREATE TABLE IF NOT EXISTS data_tags (
    dataset TEXT NOT NULL,
    tag     TEXT NOT NULL,
    number  INTEGER NOT NULL,
    PRIMARY KEY (dataset, tag)
);
-- body: the manifest, whole (base NULL) or as a delta against the manifest 'base'.
CREATE TABLE IF NOT EXISTS data_manifests (
    hash TEXT PRIMARY KEY,
    base TEXT,
    body BLOB NOT NULL
);
-- Small files and chunks of large ones, packed into pack blobs.
CREATE TABLE IF NOT EXISTS data_objects (
    hash   TEXT PRIMARY KEY,
    pack   TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS data_objects_pack ON data_objects(pack);
CREATE TABLE IF NOT EXISTS data_run_inputs (
    run_id  TEXT NOT NULL,
    dataset TEXT NOT NULL,
    number  INTEGER NOT NULL,
    hash    TEXT NOT NULL,
    used_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, dataset, number)
);
CREATE INDEX IF NOT EXISTS data_run_inputs_version ON data_run_inputs(dataset, number);
