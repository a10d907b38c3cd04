-- 0002_list_keys.sql (PostgreSQL) — the same as sqlite/0002_list_keys.sql:
-- status and priority positions on the ticket row with the indexes the
-- sorts walk, and ticket_counts (exact counts per status, priority,
-- assignee, group and channel; 0: none) kept by a trigger.

ALTER TABLE tickets ADD COLUMN status_position BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN priority_position BIGINT NOT NULL DEFAULT 0;
UPDATE tickets SET
    status_position = (SELECT position FROM statuses WHERE id = tickets.status_id),
    priority_position = (SELECT position FROM priorities WHERE id = tickets.priority_id);
CREATE INDEX tickets_status_sort ON tickets (status_position, number);
CREATE INDEX tickets_priority_sort ON tickets (priority_position, number);
CREATE INDEX tickets_subject ON tickets (subject, number);
-- Tickets without a deadline sort last both ways: one key per direction
-- (store/tickets.c DEADLINE_ASC, DEADLINE_DESC; the expressions must match).
CREATE INDEX tickets_deadline_asc
    ON tickets ((COALESCE(deadline, 9223372036854775807)), number);
CREATE INDEX tickets_deadline_desc
    ON tickets ((COALESCE(deadline, -9223372036854775807)), number);

CREATE TABLE ticket_counts (
    status_id BIGINT NOT NULL,
    priority_id BIGINT NOT NULL,
    assignee_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status_id, priority_id, assignee_id, group_id, channel)
);
INSERT INTO ticket_counts
    (status_id, priority_id, assignee_id, group_id, channel, n)
SELECT status_id, priority_id, COALESCE(assignee_id, 0),
       COALESCE(group_id, 0), channel, COUNT(*)
FROM tickets GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION ticket_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE ticket_counts SET n = n - 1
        WHERE status_id = OLD.status_id AND priority_id = OLD.priority_id
          AND assignee_id = COALESCE(OLD.assignee_id, 0)
          AND group_id = COALESCE(OLD.group_id, 0) AND channel = OLD.channel;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO ticket_counts
            (status_id, priority_id, assignee_id, group_id, channel, n)
        VALUES (NEW.status_id, NEW.priority_id, COALESCE(NEW.assignee_id, 0),
                COALESCE(NEW.group_id, 0), NEW.channel, 1)
        ON CONFLICT (status_id, priority_id, assignee_id, group_id, channel)
        DO UPDATE SET n = ticket_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_count AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION ticket_counts_follow();
CREATE TRIGGER tickets_count_update
    AFTER UPDATE OF status_id, priority_id, assignee_id, group_id, channel
    ON tickets FOR EACH ROW
    WHEN ((OLD.status_id, OLD.priority_id, OLD.assignee_id, OLD.group_id,
           OLD.channel) IS DISTINCT FROM
          (NEW.status_id, NEW.priority_id, NEW.assignee_id, NEW.group_id,
           NEW.channel))
    EXECUTE FUNCTION ticket_counts_follow();

-- ticket_fresh_reads: per agent, the tickets read up to their newest event
-- (as sqlite/0002_list_keys.sql), kept by triggers on read marks and on the
-- tickets' newest event; a ticket's delete is counted before its marks go.
CREATE TABLE ticket_fresh_reads (
    user_id BIGINT PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO ticket_fresh_reads (user_id, n)
SELECT tr.user_id, COUNT(*) FROM ticket_reads tr
JOIN tickets t ON t.id = tr.ticket_id
WHERE tr.seen_event_id >= t.last_event_id GROUP BY tr.user_id;

CREATE FUNCTION ticket_fresh_reads_add(who BIGINT, delta BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO ticket_fresh_reads (user_id, n) VALUES (who, delta)
    ON CONFLICT (user_id) DO UPDATE SET n = ticket_fresh_reads.n + excluded.n
$$;

CREATE FUNCTION ticket_reads_fresh_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    newest BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT last_event_id INTO newest FROM tickets WHERE id = OLD.ticket_id;
        IF newest IS NOT NULL AND OLD.seen_event_id >= newest THEN
            PERFORM ticket_fresh_reads_add(OLD.user_id, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT last_event_id INTO newest FROM tickets WHERE id = NEW.ticket_id;
        IF NEW.seen_event_id >= newest THEN
            PERFORM ticket_fresh_reads_add(NEW.user_id, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_reads_fresh
    AFTER INSERT OR UPDATE OF seen_event_id OR DELETE ON ticket_reads
    FOR EACH ROW EXECUTE FUNCTION ticket_reads_fresh_follow();

CREATE FUNCTION tickets_fresh_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE ticket_fresh_reads f SET n = f.n - 1 FROM ticket_reads tr
        WHERE tr.ticket_id = OLD.id AND tr.user_id = f.user_id
          AND tr.seen_event_id >= OLD.last_event_id;
        RETURN OLD;
    END IF;
    UPDATE ticket_fresh_reads f
    SET n = f.n + (tr.seen_event_id >= NEW.last_event_id)::int
                - (tr.seen_event_id >= OLD.last_event_id)::int
    FROM ticket_reads tr
    WHERE tr.ticket_id = NEW.id AND tr.user_id = f.user_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_fresh_delete BEFORE DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_fresh_follow();
CREATE TRIGGER tickets_fresh_update AFTER UPDATE OF last_event_id ON tickets
    FOR EACH ROW WHEN (OLD.last_event_id IS DISTINCT FROM NEW.last_event_id)
    EXECUTE FUNCTION tickets_fresh_follow();
