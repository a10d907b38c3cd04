-- 0008_ticket_documents.sql — one full-text document per ticket (issue 5):
-- its subject, description, public messages and internal notes as four
-- columns of one FTS5 row whose rowid is the ticket id. A search's matches
-- are then ticket ids in order: its total is FTS5's own count (a word in
-- 89 % of 1M tickets: 1.2 s → ~50 ms; giving 2.3M message matches their
-- tickets and de-duplicating them was the cost), its newest-first page a
-- walk of the index, and the words of a query may be anywhere in the
-- ticket. Customers' queries are limited to the first three columns.
--
-- The price: a new message re-indexes its ticket's whole document (FTS5
-- rows do not grow), ~60 µs per KB of the ticket's text, once per
-- transaction, under the one writer lock. So a thread is indexed until its
-- public messages (and apart, its notes) reach 100,000 bytes of text; the
-- message that crosses is indexed whole, later ones not (their words are
-- not found). Past that, a new message costs the index nothing:
-- ticket_search_sizes counts each part's bytes so the trigger need not
-- read the thread to know.
--
-- The document is the view ticket_search_docs (external content: the text
-- is stored once, in tickets and messages). ticket_search_pending (0005)
-- now holds the tickets whose document is not in the index: a ticket's
-- document is in the index, exactly as the view gives it, when the ticket
-- exists and is not pending. Every change to a document first takes the
-- indexed one out (FTS5 must be told its old text exactly, so the change
-- triggers read it before it changes) and marks the ticket pending; the
-- commit indexes the pending documents (store/sqlite.c, index_pending).
-- Messages only ever grow a thread: their text, kind and ticket never
-- change (a trigger refuses it), so the text before a new message is the
-- view's text then.

DROP TRIGGER tickets_search_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;
DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_fts_delete;
DROP TABLE ticket_fts;
DROP TABLE message_fts;
DROP TABLE message_search_pending;

-- Bytes of each part of a ticket's thread (messages.body, UTF-8).
CREATE TABLE ticket_search_sizes (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    public_bytes INTEGER NOT NULL DEFAULT 0,
    notes_bytes INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ticket_search_sizes (ticket_id, public_bytes, notes_bytes)
SELECT ticket_id, total(CASE WHEN kind <> 'note' THEN length(CAST(body AS BLOB)) END),
       total(CASE WHEN kind = 'note' THEN length(CAST(body AS BLOB)) END)
FROM messages GROUP BY ticket_id;

-- Bodies in message order (the index must be told the same text again),
-- each while the part's earlier bodies hold fewer than 100,000 bytes.
CREATE VIEW ticket_search_docs AS
SELECT t.id AS id, t.subject AS subject, t.description AS description,
    (SELECT group_concat(body, char(10)) FROM (
        SELECT m.body, total(length(CAST(m.body AS BLOB))) OVER (ORDER BY m.id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
        FROM messages m
        WHERE m.ticket_id = t.id AND m.kind <> 'note' ORDER BY m.id)
     WHERE before < 100000) AS public,
    (SELECT group_concat(body, char(10)) FROM (
        SELECT m.body, total(length(CAST(m.body AS BLOB))) OVER (ORDER BY m.id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
        FROM messages m
        WHERE m.ticket_id = t.id AND m.kind = 'note' ORDER BY m.id)
     WHERE before < 100000) AS notes
FROM tickets t;

CREATE VIRTUAL TABLE ticket_search USING fts5 (
    subject, description, public, notes,
    content = 'ticket_search_docs', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search_pending (id) SELECT new.id
    WHERE NOT EXISTS (SELECT 1 FROM ticket_search_pending WHERE id = new.id);
END;

-- The one way a document leaves the index: an insert of the ticket's id
-- into this view, just before the document changes (FTS5 must be told the
-- text it holds; the view still gives it then). Once per ticket until the
-- commit indexes it again.
CREATE VIEW ticket_search_out AS SELECT id FROM ticket_search_pending WHERE 0;
CREATE TRIGGER ticket_search_out_insert INSTEAD OF INSERT ON ticket_search_out
WHEN NOT EXISTS (SELECT 1 FROM ticket_search_pending WHERE id = new.id)
BEGIN
    INSERT INTO ticket_search
        (ticket_search, rowid, subject, description, public, notes)
    SELECT 'delete', d.id, d.subject, d.description, d.public, d.notes
    FROM ticket_search_docs d WHERE d.id = new.id;
    INSERT INTO ticket_search_pending (id) VALUES (new.id);
END;

-- The ticket update writes every column: only a changed text counts.
CREATE TRIGGER tickets_search_update BEFORE UPDATE OF subject, description
ON tickets
WHEN old.subject IS NOT new.subject OR old.description IS NOT new.description
BEGIN
    INSERT INTO ticket_search_out (id) VALUES (old.id);
END;

-- BEFORE: the view does not hold the new message yet. A part already
-- 100,000 bytes long does not change.
CREATE TRIGGER messages_search_insert BEFORE INSERT ON messages
WHEN EXISTS (SELECT 1 FROM tickets WHERE id = new.ticket_id)
  AND COALESCE((SELECT CASE WHEN new.kind = 'note' THEN notes_bytes
                            ELSE public_bytes END
                FROM ticket_search_sizes WHERE ticket_id = new.ticket_id),
               0) < 100000
BEGIN
    INSERT INTO ticket_search_out (id) VALUES (new.ticket_id);
END;

-- A ticket's delete marks it pending first, so the deletes of its messages
-- (ON DELETE CASCADE) leave the index alone whether they run before or
-- after the ticket's row is gone.
CREATE TRIGGER tickets_search_delete BEFORE DELETE ON tickets BEGIN
    INSERT INTO ticket_search_out (id) VALUES (old.id);
END;
CREATE TRIGGER tickets_search_forget AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search_pending WHERE id = old.id;
END;

CREATE TRIGGER messages_search_delete BEFORE DELETE ON messages
WHEN EXISTS (SELECT 1 FROM tickets WHERE id = old.ticket_id)
BEGIN
    INSERT INTO ticket_search_out (id) VALUES (old.ticket_id);
END;

CREATE TRIGGER messages_search_count AFTER INSERT ON messages BEGIN
    INSERT INTO ticket_search_sizes (ticket_id, public_bytes, notes_bytes)
    VALUES (new.ticket_id,
            CASE WHEN new.kind <> 'note' THEN length(CAST(new.body AS BLOB)) ELSE 0 END,
            CASE WHEN new.kind = 'note' THEN length(CAST(new.body AS BLOB)) ELSE 0 END)
    ON CONFLICT (ticket_id) DO UPDATE SET
        public_bytes = public_bytes + excluded.public_bytes,
        notes_bytes = notes_bytes + excluded.notes_bytes;
END;
CREATE TRIGGER messages_search_uncount AFTER DELETE ON messages BEGIN
    UPDATE ticket_search_sizes SET
        public_bytes = public_bytes -
            CASE WHEN old.kind <> 'note' THEN length(CAST(old.body AS BLOB)) ELSE 0 END,
        notes_bytes = notes_bytes -
            CASE WHEN old.kind = 'note' THEN length(CAST(old.body AS BLOB)) ELSE 0 END
    WHERE ticket_id = old.ticket_id;
END;

CREATE TRIGGER messages_search_frozen
BEFORE UPDATE OF id, ticket_id, kind, body ON messages BEGIN
    SELECT RAISE(ABORT, 'a message''s text, kind and ticket never change');
END;

-- Every existing ticket (1M tickets, 5M messages: ~40 s).
DELETE FROM ticket_search_pending;
INSERT INTO ticket_search (ticket_search) VALUES ('rebuild');
