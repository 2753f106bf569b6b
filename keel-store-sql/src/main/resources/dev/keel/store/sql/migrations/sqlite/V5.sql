-- Keel schema 5 (SQLite): what a run could not record (e.g. points lost to a full disk), a JSON
-- array of lines, written with its end state so that readers show the run's end and its problem.
ALTER TABLE runs ADD COLUMN problems TEXT NOT NULL DEFAULT '[]';
