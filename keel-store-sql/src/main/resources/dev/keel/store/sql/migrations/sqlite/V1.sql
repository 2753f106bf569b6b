-- Keel schema 1 (SQLite). Times are epoch milliseconds; config, summary, tags and provenance
-- are JSON text as dev.keel.core.Json writes it (non-finite numbers as "NaN"/"Infinity" strings).

CREATE TABLE projects (
    pk          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    -- runs ever created in the project; deleting runs never lowers it, so names stay unique
    run_counter INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE runs (
    pk           INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    project      TEXT    NOT NULL REFERENCES projects (name),
    name         TEXT    NOT NULL,
    grp          TEXT    NOT NULL DEFAULT '',
    user_name    TEXT    NOT NULL DEFAULT '',
    tags         TEXT    NOT NULL DEFAULT '[]',
    notes        TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL DEFAULT 0,
    ended_at     INTEGER NOT NULL DEFAULT 0,
    runtime_ms   INTEGER NOT NULL DEFAULT 0,
    sweep        TEXT    NOT NULL DEFAULT '',
    host         TEXT    NOT NULL DEFAULT '',
    pid          INTEGER NOT NULL DEFAULT 0,
    config       TEXT    NOT NULL DEFAULT '{}',
    summary      TEXT    NOT NULL DEFAULT '{}',
    -- end offset of the run's event log that is applied here, written in the same transaction
    log_offset   INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX runs_project_created ON runs (project, created_at);

CREATE TABLE run_provenance (
    run_pk INTEGER PRIMARY KEY REFERENCES runs (pk) ON DELETE CASCADE,
    data   TEXT NOT NULL
);

CREATE TABLE metric_keys (
    pk     INTEGER PRIMARY KEY,
    run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
    name   TEXT    NOT NULL,
    points INTEGER NOT NULL,
    UNIQUE (run_pk, name)
);

-- One row per metric key per applied batch: see MetricBlockCodec for the data layout.
CREATE TABLE metric_blocks (
    pk       INTEGER PRIMARY KEY,
    key_pk   INTEGER NOT NULL REFERENCES metric_keys (pk) ON DELETE CASCADE,
    points   INTEGER NOT NULL,
    min_step INTEGER NOT NULL,
    max_step INTEGER NOT NULL,
    data     BLOB    NOT NULL
);
CREATE INDEX metric_blocks_key ON metric_blocks (key_pk, pk);

CREATE TABLE console_lines (
    run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    ts     INTEGER NOT NULL,
    stream TEXT    NOT NULL,
    text   TEXT    NOT NULL,
    PRIMARY KEY (run_pk, seq)
);

CREATE TABLE run_files (
    run_pk     INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_pk, name)
);
