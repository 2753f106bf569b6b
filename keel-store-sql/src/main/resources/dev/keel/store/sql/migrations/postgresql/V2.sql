-- Keel schema 2 (PostgreSQL): dataset versioning, the same tables as sqlite/V2.sql.
-- IF NOT EXISTS as there. "offset" is a reserved word here and is quoted.
CREATE TABLE IF NOT EXISTS data_datasets (
    name        TEXT COLLATE "C" PRIMARY KEY,
    owner       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL DEFAULT 'private',
    created_at  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS data_versions (
    dataset     TEXT COLLATE "C" NOT NULL REFERENCES data_datasets (name),
    number      INTEGER NOT NULL,
    hash        TEXT COLLATE "C" NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    file_count  BIGINT NOT NULL,
    total_bytes BIGINT NOT NULL,
    parent      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dataset, number)
);
CREATE INDEX IF NOT EXISTS data_versions_hash ON data_versions (hash);
CREATE TABLE IF NOT EXISTS data_tags (
    dataset TEXT COLLATE "C" NOT NULL,
    tag     TEXT COLLATE "C" NOT NULL,
    number  INTEGER NOT NULL,
    PRIMARY KEY (dataset, tag)
);
-- body: the manifest, whole (base NULL) or as a delta against the manifest 'base'.
CREATE TABLE IF NOT EXISTS data_manifests (
    hash TEXT COLLATE "C" PRIMARY KEY,
    base TEXT,
    body BYTEA NOT NULL
);
-- Small files and chunks of large ones, packed into pack blobs.
CREATE TABLE IF NOT EXISTS data_objects (
    hash     TEXT COLLATE "C" PRIMARY KEY,
    pack     TEXT NOT NULL,
    "offset" BIGINT NOT NULL,
    length   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS data_objects_pack ON data_objects (pack);
CREATE TABLE IF NOT EXISTS data_run_inputs (
    run_id  TEXT COLLATE "C" NOT NULL,
    dataset TEXT COLLATE "C" NOT NULL,
    number  INTEGER NOT NULL,
    hash    TEXT NOT NULL,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (run_id, dataset, number)
);
CREATE INDEX IF NOT EXISTS data_run_inputs_version ON data_run_inputs (dataset, number);
