-- 0005_search_at_commit.sql — the full-text index is brought up to date
-- once per transaction, just before it commits (store/sqlite.c,
-- index_pending), instead of by a trigger on every row: FTS5 writes a
-- segment per released savepoint, and under group commit every writer is a
-- savepoint (issue 5). The index still commits with the rows it covers.
--
-- *_search_pending: the rows written since the last commit, not yet in the
-- index (filled by the insert triggers, emptied by index_pending). A row is
-- in the index exactly when it exists and is not pending, so the update
-- and delete triggers tell FTS5 to drop only what it holds (anything else
-- corrupts it) — whatever ids SQLite hands out again after a delete, and
-- whichever program wrote the row.
CREATE TABLE ticket_search_pending (id INTEGER PRIMARY KEY);
CREATE TABLE message_search_pending (id INTEGER PRIMARY KEY);

DROP TRIGGER tickets_fts_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;

CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search_pending (id) VALUES (new.id);
END;
-- One trigger per delete, in this order: which of two triggers SQLite runs
-- first is not to be relied on.
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO ticket_fts (ticket_fts, rowid, subject, description)
    SELECT 'delete', old.id, old.subject, old.description
    WHERE NOT EXISTS (SELECT 1 FROM ticket_search_pending WHERE id = old.id);
    DELETE FROM ticket_search_pending WHERE id = old.id;
END;
-- The ticket update writes every column: only a changed text reaches FTS5
-- (a status change rewrote the ticket's index entry before).
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, description ON tickets
WHEN (old.subject IS NOT new.subject OR old.description IS NOT new.description)
  AND NOT EXISTS (SELECT 1 FROM ticket_search_pending WHERE id = old.id)
BEGIN
    INSERT INTO ticket_fts (ticket_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
    INSERT INTO ticket_fts (rowid, subject, description)
    VALUES (new.id, new.subject, new.description);
END;

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search_pending (id) VALUES (new.id);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_fts (message_fts, rowid, body)
    SELECT 'delete', old.id, old.body
    WHERE NOT EXISTS (SELECT 1 FROM message_search_pending WHERE id = old.id);
    DELETE FROM message_search_pending WHERE id = old.id;
END;
