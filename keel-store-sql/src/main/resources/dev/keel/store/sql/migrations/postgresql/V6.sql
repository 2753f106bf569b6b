-- Keel schema 6 (PostgreSQL): which projects hold which run-file contents, the same table as
-- sqlite/V6.sql (see there why). Idempotent so that renumbering this script on a merge is harmless.
CREATE TABLE IF NOT EXISTS blob_holders (
    project TEXT COLLATE "C" NOT NULL,
    hash    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (project, hash)
);
CREATE INDEX IF NOT EXISTS blob_holders_hash ON blob_holders (hash);
INSERT INTO blob_holders (project, hash)
    SELECT DISTINCT r.project, f.hash FROM run_files f JOIN runs r ON r.pk = f.run_pk
    ON CONFLICT (project, hash) DO NOTHING;
