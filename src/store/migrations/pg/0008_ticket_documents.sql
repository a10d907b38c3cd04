-- 0008_ticket_documents.sql — one search document per ticket (as
-- sqlite/0008_ticket_documents.sql): the words of a query may be anywhere
-- in the ticket, and a search's matches are ticket ids. The document is a
-- tsvector under GIN in a table of its own (a ticket's status change does
-- not touch it), weighted by where each word is: subject A, description B,
-- public messages C, internal notes D; customers' queries ask for A–C.
-- A message's words are appended to its ticket's document (messages.search
-- already holds them): no text is parsed twice. As on SQLite, a part
-- (public messages, notes) is indexed until it reaches 100,000 bytes, the
-- message that crosses whole; that also keeps a document well below
-- PostgreSQL's 1 MB limit of a tsvector's words.
CREATE AGGREGATE docket_tsvector_agg (tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
);

CREATE FUNCTION message_search_words(words tsvector, kind TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(words, (CASE WHEN kind = 'note' THEN 'D' ELSE 'C' END)::"char")
$$;

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

CREATE FUNCTION ticket_search_doc(ticket BIGINT, subject TEXT, description TEXT)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('docket'::regconfig, subject), 'A')
        || setweight(to_tsvector('docket'::regconfig, description), 'B')
        || (SELECT docket_tsvector_agg(message_search_words(w.search, w.kind)
                                       ORDER BY w.id)
            FROM (SELECT m.id, m.search, m.kind,
                         COALESCE(SUM(octet_length(m.body)) OVER (
                             PARTITION BY m.kind = 'note' ORDER BY m.id
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                             0) AS before
                  FROM messages m WHERE m.ticket_id = ticket) w
            WHERE w.before < 100000)
$$;

CREATE TABLE ticket_search (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    doc tsvector NOT NULL
);
INSERT INTO ticket_search (ticket_id, doc)
SELECT t.id, ticket_search_doc(t.id, t.subject, t.description) FROM tickets t;
CREATE INDEX ticket_search_words ON ticket_search USING GIN (doc);

CREATE FUNCTION tickets_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_search (ticket_id, doc)
        VALUES (NEW.id, ticket_search_doc(NEW.id, NEW.subject, NEW.description));
    ELSIF OLD.subject IS DISTINCT FROM NEW.subject
       OR OLD.description IS DISTINCT FROM NEW.description THEN
        UPDATE ticket_search
        SET doc = ticket_search_doc(NEW.id, NEW.subject, NEW.description)
        WHERE ticket_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_search AFTER INSERT OR UPDATE OF subject, description
    ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_search_follow();

-- A message's delete (its ticket's delete cascades too: then no ticket row
-- is left to rebuild from) rebuilds the document without it.
CREATE FUNCTION messages_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT CASE WHEN NEW.kind = 'note' THEN notes_bytes
                    ELSE public_bytes END
        INTO before FROM ticket_search_sizes WHERE ticket_id = NEW.ticket_id;
        IF COALESCE(before, 0) < 100000 THEN
            UPDATE ticket_search
            SET doc = doc || message_search_words(NEW.search, NEW.kind)
            WHERE ticket_id = NEW.ticket_id;
        END IF;
        INSERT INTO ticket_search_sizes AS z (ticket_id, public_bytes, notes_bytes)
        VALUES (NEW.ticket_id,
                CASE WHEN NEW.kind <> 'note' THEN octet_length(NEW.body) ELSE 0 END,
                CASE WHEN NEW.kind = 'note' THEN octet_length(NEW.body) ELSE 0 END)
        ON CONFLICT (ticket_id) DO UPDATE SET
            public_bytes = z.public_bytes + excluded.public_bytes,
            notes_bytes = z.notes_bytes + excluded.notes_bytes;
    ELSE
        UPDATE ticket_search_sizes SET
            public_bytes = public_bytes -
                CASE WHEN OLD.kind <> 'note' THEN octet_length(OLD.body) ELSE 0 END,
            notes_bytes = notes_bytes -
                CASE WHEN OLD.kind = 'note' THEN octet_length(OLD.body) ELSE 0 END
        WHERE ticket_id = OLD.ticket_id;
        UPDATE ticket_search s
        SET doc = ticket_search_doc(t.id, t.subject, t.description)
        FROM tickets t
        WHERE s.ticket_id = OLD.ticket_id AND t.id = OLD.ticket_id;
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
