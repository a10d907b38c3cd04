-- 0005_search_at_commit.sql — the full-text index is brought up to date
-- once per transaction, just before it commits (store/sqlite.c,
-- index_pending), instead of by a trigger on every row: FTS5 writes a
-- segment per released savepoint, and under group commit every writer is a
-- savepoint (issue 5). The index still commits with the rows it covers.
--
-- search_cursor: the largest id of each table that the index holds. Rows
-- above it are new to the index; the update and delete triggers leave them
-- alone (FTS5 must only ever be told to delete exactly what it holds).
CREATE TABLE search_cursor (
    name TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_cursor (name, last_id)
SELECT 'tickets', COALESCE(MAX(id), 0) FROM tickets
UNION ALL
SELECT 'messages', COALESCE(MAX(id), 0) FROM messages;

DROP TRIGGER tickets_fts_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;

CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets
WHEN old.id <= (SELECT last_id FROM search_cursor WHERE name = 'tickets')
BEGIN
    INSERT INTO ticket_fts (ticket_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, description ON tickets
WHEN old.id <= (SELECT last_id FROM search_cursor WHERE name = 'tickets')
BEGIN
    INSERT INTO ticket_fts (ticket_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
    INSERT INTO ticket_fts (rowid, subject, description)
    VALUES (new.id, new.subject, new.description);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT last_id FROM search_cursor WHERE name = 'messages')
BEGIN
    INSERT INTO message_fts (message_fts, rowid, body)
    VALUES ('delete', old.id, old.body);
END;
