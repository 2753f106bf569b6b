-- Keel schema 6 (SQLite): which projects hold which run-file contents. A server lets a run name
-- a content hash only when the caller sent those bytes into a project it may write, or such a
-- project holds them already: knowing a hash grants nothing. A row is added when bytes are
-- uploaded into a project and whenever a run's batch lists a file (so every write path keeps
-- it). Rows stay when runs are deleted: the project did hold the bytes. Idempotent (IF NOT
-- EXISTS, OR IGNORE) so that renumbering this script on a merge is harmless.
CREATE TABLE IF NOT EXISTS blob_holders (
    project TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (project, hash)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blob_holders_hash ON blob_holders (hash);
INSERT OR IGNORE INTO blob_holders (project, hash)
    SELECT DISTINCT r.project, f.hash FROM run_files f JOIN runs r ON r.pk = f.run_pk;
