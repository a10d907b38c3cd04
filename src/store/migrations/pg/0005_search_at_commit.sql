-- 0005_search_at_commit.sql — on SQLite the full-text index moved from
-- per-row triggers to once per transaction (issue 5). PostgreSQL's index is
-- a generated tsvector under GIN, which already keeps new entries in its
-- pending list and merges them later: nothing changes here. The migration
-- exists so both backends share one schema version.
SELECT 1;
