-- Keel schema 9 (SQLite): the model registry (dev.keel.core.model). A version's files are content
-- hashes in the blob store that run files already use; lineage is a JSON object (run, datasets,
-- commit, config, metrics at registration); tags are JSON objects of strings. next_version keeps
-- numbers from being reused after a version is removed.
CREATE TABLE IF NOT EXISTS models (
    name         TEXT    PRIMARY KEY,
    project      TEXT    NOT NULL REFERENCES projects (name),
    owner        TEXT    NOT NULL DEFAULT '',
    description  TEXT    NOT NULL DEFAULT '',
    tags         TEXT    NOT NULL DEFAULT '{}',
    next_version INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS model_versions (
    model       TEXT    NOT NULL REFERENCES models (name) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    run_id      TEXT    NOT NULL,
    lineage     TEXT    NOT NULL,
    signature   TEXT    NOT NULL DEFAULT '',
    tags        TEXT    NOT NULL DEFAULT '{}',
    description TEXT    NOT NULL DEFAULT '',
    created_by  TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (model, version)
);
-- a run page links to the versions made from it
CREATE INDEX IF NOT EXISTS model_versions_run ON model_versions (run_id);

CREATE TABLE IF NOT EXISTS model_files (
    model   TEXT    NOT NULL,
    version INTEGER NOT NULL,
    path    TEXT    NOT NULL,
    hash    TEXT    NOT NULL,
    size    INTEGER NOT NULL,
    PRIMARY KEY (model, version, path),
    FOREIGN KEY (model, version) REFERENCES model_versions (model, version) ON DELETE CASCADE
);
-- a blob clean-up asks which contents versions still hold
CREATE INDEX IF NOT EXISTS model_files_hash ON model_files (hash);

CREATE TABLE IF NOT EXISTS model_aliases (
    model    TEXT    NOT NULL REFERENCES models (name) ON DELETE CASCADE,
    alias    TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    moved_by TEXT    NOT NULL DEFAULT '',
    moved_at INTEGER NOT NULL,
    PRIMARY KEY (model, alias)
);

-- every move, kept after the alias or its version is gone: who pointed it where, when
CREATE TABLE IF NOT EXISTS model_alias_moves (
    pk           INTEGER PRIMARY KEY,
    model        TEXT    NOT NULL,
    alias        TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    from_version INTEGER NOT NULL,
    moved_by     TEXT    NOT NULL DEFAULT '',
    moved_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS model_alias_moves_model ON model_alias_moves (model, pk);
