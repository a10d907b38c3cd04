-- 0008_ticket_documents.sql — one search document per ticket (as
-- sqlite/0008_ticket_documents.sql): the words of a query may be anywhere
-- in the ticket, and a search's matches are ticket ids. The document `doc`
-- is a tsvector under GIN in a table of its own (a ticket's status change
-- does not touch it), weighted by where each word is: subject A,
-- description B, public messages C, internal notes D; customers' queries
-- ask for A–C.
--
-- doc is head || public || notes, each part kept on its own: a tsvector
-- holds positions up to 16,383 and a concatenation drops the right side's
-- positions past that, weights with them, so a public word must come
-- before the notes (a review found a customer's reply word lost behind a
-- long note). A message's words are appended to its part from
-- messages.search: no text is parsed twice. As on SQLite, a part is
-- indexed until it reaches 100,000 bytes, the message that crosses whole;
-- that also keeps a document well below the 1 MB of words a tsvector may
-- hold (past it the ticket refused every message).
CREATE AGGREGATE docket_tsvector_agg (tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
);

-- Bytes of each part of a ticket's thread.
CREATE TABLE ticket_search_sizes (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    public_bytes BIGINT NOT NULL DEFAULT 0,
    notes_bytes BIGINT NOT NULL DEFAULT 0
);
INSERT INTO ticket_search_sizes (ticket_id, public_bytes, notes_bytes)
SELECT ticket_id,
       COALESCE(SUM(octet_length(body)) FILTER (WHERE kind <> 'note'), 0),
       COALESCE(SUM(octet_length(body)) FILTER (WHERE kind = 'note'), 0)
FROM messages GROUP BY ticket_id;

CREATE FUNCTION ticket_search_head(subject TEXT, description TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('docket'::regconfig, subject), 'A')
        || setweight(to_tsvector('docket'::regconfig, description), 'B')
$$;

-- The public part (is_note false) or the notes of a ticket's thread, each
-- message while the part's earlier ones hold fewer than 100,000 bytes.
CREATE FUNCTION ticket_search_part(ticket BIGINT, is_note BOOLEAN)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT docket_tsvector_agg(
               setweight(w.search, (CASE WHEN is_note THEN 'D' ELSE 'C' END)::"char")
               ORDER BY w.id)
    FROM (SELECT m.id, m.search,
                 COALESCE(SUM(octet_length(m.body)) OVER (
                     ORDER BY m.id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                     0) AS before
          FROM messages m
          WHERE m.ticket_id = ticket AND (m.kind = 'note') = is_note) w
    WHERE w.before < 100000
$$;

CREATE TABLE ticket_search (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    head_words tsvector NOT NULL,
    public_words tsvector NOT NULL,
    notes_words tsvector NOT NULL,
    doc tsvector NOT NULL
);
INSERT INTO ticket_search (ticket_id, head_words, public_words, notes_words, doc)
SELECT id, head, public_part, notes_part, head || public_part || notes_part
FROM (SELECT t.id, ticket_search_head(t.subject, t.description) AS head,
             ticket_search_part(t.id, false) AS public_part,
             ticket_search_part(t.id, true) AS notes_part
      FROM tickets t) d;
CREATE INDEX ticket_search_words ON ticket_search USING GIN (doc);

CREATE FUNCTION tickets_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_search
            (ticket_id, head_words, public_words, notes_words, doc)
        SELECT NEW.id, h, '', '', h
        FROM ticket_search_head(NEW.subject, NEW.description) h;
    ELSIF OLD.subject IS DISTINCT FROM NEW.subject
       OR OLD.description IS DISTINCT FROM NEW.description THEN
        UPDATE ticket_search
        SET head_words = h, doc = h || public_words || notes_words
        FROM ticket_search_head(NEW.subject, NEW.description) h
        WHERE ticket_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_search AFTER INSERT OR UPDATE OF subject, description
    ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_search_follow();

-- A message's delete (its ticket's delete cascades too: then no document
-- is left to rebuild) rebuilds its part without it.
CREATE FUNCTION messages_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before BIGINT;
    is_note BOOLEAN;
    words tsvector;
BEGIN
    IF TG_OP = 'INSERT' THEN
        is_note := NEW.kind = 'note';
        SELECT CASE WHEN is_note THEN notes_bytes ELSE public_bytes END
        INTO before FROM ticket_search_sizes WHERE ticket_id = NEW.ticket_id;
        IF COALESCE(before, 0) < 100000 THEN
            words := setweight(NEW.search,
                               (CASE WHEN is_note THEN 'D' ELSE 'C' END)::"char");
            UPDATE ticket_search SET
                public_words = public_words
                    || CASE WHEN is_note THEN '' ELSE words END,
                notes_words = notes_words
                    || CASE WHEN is_note THEN words ELSE '' END,
                doc = head_words || public_words
                    || CASE WHEN is_note THEN '' ELSE words END
                    || notes_words || CASE WHEN is_note THEN words ELSE '' END
            WHERE ticket_id = NEW.ticket_id;
        END IF;
        INSERT INTO ticket_search_sizes AS z (ticket_id, public_bytes, notes_bytes)
        VALUES (NEW.ticket_id,
                CASE WHEN is_note THEN 0 ELSE octet_length(NEW.body) END,
                CASE WHEN is_note THEN octet_length(NEW.body) ELSE 0 END)
        ON CONFLICT (ticket_id) DO UPDATE SET
            public_bytes = z.public_bytes + excluded.public_bytes,
            notes_bytes = z.notes_bytes + excluded.notes_bytes;
    ELSE
        is_note := OLD.kind = 'note';
        UPDATE ticket_search_sizes SET
            public_bytes = public_bytes -
                CASE WHEN is_note THEN 0 ELSE octet_length(OLD.body) END,
            notes_bytes = notes_bytes -
                CASE WHEN is_note THEN octet_length(OLD.body) ELSE 0 END
        WHERE ticket_id = OLD.ticket_id;
        UPDATE ticket_search SET
            public_words = p.public_part, notes_words = p.notes_part,
            doc = head_words || p.public_part || p.notes_part
        FROM (SELECT ticket_search_part(OLD.ticket_id, false) AS public_part,
                     ticket_search_part(OLD.ticket_id, true) AS notes_part) p
        WHERE ticket_id = OLD.ticket_id
          AND EXISTS (SELECT 1 FROM tickets WHERE id = OLD.ticket_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_search AFTER INSERT OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_search_follow();

CREATE FUNCTION messages_search_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a message''s text, kind and ticket never change';
END
$$;
CREATE TRIGGER messages_frozen BEFORE UPDATE OF id, ticket_id, kind, body
    ON messages FOR EACH ROW EXECUTE FUNCTION messages_search_frozen();

-- The per-row indexes of 0001 answer nothing now (every ticket update
-- re-inserted its words into tickets_search).
DROP INDEX tickets_search;
ALTER TABLE tickets DROP COLUMN search;
DROP INDEX messages_search;
