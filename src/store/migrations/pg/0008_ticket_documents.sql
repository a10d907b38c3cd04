-- 0008_ticket_documents.sql — one search document per ticket (as
-- sqlite/0008_ticket_documents.sql): the words of a query may be anywhere
-- in the ticket, and a search's matches are ticket ids. The document is a
-- tsvector under GIN in a table of its own (a ticket's status change does
-- not touch it), weighted by where each word is: subject A, description B,
-- public messages C, internal notes D; customers' queries ask for A–C.
-- A message's words are appended to its ticket's document (messages.search
-- already holds them): no text is parsed twice.
CREATE AGGREGATE docket_tsvector_agg (tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
);

CREATE FUNCTION message_search_words(words tsvector, kind TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(words, (CASE WHEN kind = 'note' THEN 'D' ELSE 'C' END)::"char")
$$;

CREATE FUNCTION ticket_search_doc(ticket BIGINT, subject TEXT, description TEXT)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('docket'::regconfig, subject), 'A')
        || setweight(to_tsvector('docket'::regconfig, description), 'B')
        || (SELECT docket_tsvector_agg(message_search_words(m.search, m.kind)
                                       ORDER BY m.id)
            FROM messages m WHERE m.ticket_id = ticket)
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
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE ticket_search
        SET doc = doc || message_search_words(NEW.search, NEW.kind)
        WHERE ticket_id = NEW.ticket_id;
    ELSE
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
CREATE TRIGGER messages_frozen BEFORE UPDATE OF ticket_id, kind, body
    ON messages FOR EACH ROW EXECUTE FUNCTION messages_search_frozen();

-- The per-row indexes of 0001 answer nothing now (every ticket update
-- re-inserted its words into tickets_search).
DROP INDEX tickets_search;
ALTER TABLE tickets DROP COLUMN search;
DROP INDEX messages_search;
