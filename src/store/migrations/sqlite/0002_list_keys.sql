-- 0002_list_keys.sql — what keeps the ticket list fast at 1M tickets
-- (issue 5; docs/architecture.md, Lists):
-- * the status and priority positions on the ticket row, with the indexes
--   the sorts walk (store/enums.c keeps them in step when an admin reorders);
-- * ticket_counts: exact ticket counts per combination of status, priority,
--   assignee, group and channel, kept by triggers in every transaction that
--   changes a ticket, so `total` of the dashboard's views is a sum over a
--   few rows instead of a scan (0 stands for "no assignee" / "no group").

ALTER TABLE tickets ADD COLUMN status_position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN priority_position INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET
    status_position = (SELECT position FROM statuses WHERE id = tickets.status_id),
    priority_position = (SELECT position FROM priorities WHERE id = tickets.priority_id);
CREATE INDEX tickets_status_sort ON tickets (status_position, number);
CREATE INDEX tickets_priority_sort ON tickets (priority_position, number);
CREATE INDEX tickets_subject ON tickets (subject, number);
-- Tickets without a deadline sort last both ways: one key per direction
-- (store/tickets.c DEADLINE_ASC, DEADLINE_DESC; the expressions must match).
CREATE INDEX tickets_deadline_asc
    ON tickets (COALESCE(deadline, 9223372036854775807), number);
CREATE INDEX tickets_deadline_desc
    ON tickets (COALESCE(deadline, -9223372036854775807), number);

CREATE TABLE ticket_counts (
    status_id INTEGER NOT NULL,
    priority_id INTEGER NOT NULL,
    assignee_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (status_id, priority_id, assignee_id, group_id, channel)
);
INSERT INTO ticket_counts
    (status_id, priority_id, assignee_id, group_id, channel, n)
SELECT status_id, priority_id, COALESCE(assignee_id, 0),
       COALESCE(group_id, 0), channel, COUNT(*)
FROM tickets GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_counts
        (status_id, priority_id, assignee_id, group_id, channel, n)
    VALUES (new.status_id, new.priority_id, COALESCE(new.assignee_id, 0),
            COALESCE(new.group_id, 0), new.channel, 1)
    ON CONFLICT (status_id, priority_id, assignee_id, group_id, channel)
    DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1
    WHERE status_id = old.status_id AND priority_id = old.priority_id
      AND assignee_id = COALESCE(old.assignee_id, 0)
      AND group_id = COALESCE(old.group_id, 0) AND channel = old.channel;
END;
CREATE TRIGGER tickets_count_update
AFTER UPDATE OF status_id, priority_id, assignee_id, group_id, channel ON tickets
WHEN old.status_id IS NOT new.status_id OR old.priority_id IS NOT new.priority_id
  OR old.assignee_id IS NOT new.assignee_id OR old.group_id IS NOT new.group_id
  OR old.channel IS NOT new.channel
BEGIN
    UPDATE ticket_counts SET n = n - 1
    WHERE status_id = old.status_id AND priority_id = old.priority_id
      AND assignee_id = COALESCE(old.assignee_id, 0)
      AND group_id = COALESCE(old.group_id, 0) AND channel = old.channel;
    INSERT INTO ticket_counts
        (status_id, priority_id, assignee_id, group_id, channel, n)
    VALUES (new.status_id, new.priority_id, COALESCE(new.assignee_id, 0),
            COALESCE(new.group_id, 0), new.channel, 1)
    ON CONFLICT (status_id, priority_id, assignee_id, group_id, channel)
    DO UPDATE SET n = n + 1;
END;

-- ticket_fresh_reads: per agent, the tickets read up to their newest event,
-- so that "unread by me" is the ticket total minus one row (store/tickets.c
-- count_tickets). Kept by triggers on read marks and on the tickets'
-- newest event; a ticket's read marks go with it (ON DELETE CASCADE) after
-- it is gone, so its delete is counted before, from the marks.
CREATE TABLE ticket_fresh_reads (
    user_id INTEGER PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO ticket_fresh_reads (user_id, n)
SELECT tr.user_id, COUNT(*) FROM ticket_reads tr
JOIN tickets t ON t.id = tr.ticket_id
WHERE tr.seen_event_id >= t.last_event_id GROUP BY tr.user_id;

CREATE TRIGGER ticket_reads_fresh_insert AFTER INSERT ON ticket_reads
WHEN new.seen_event_id >=
     (SELECT last_event_id FROM tickets WHERE id = new.ticket_id)
BEGIN
    INSERT INTO ticket_fresh_reads (user_id, n) VALUES (new.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_reads_fresh_update
AFTER UPDATE OF seen_event_id ON ticket_reads BEGIN
    INSERT INTO ticket_fresh_reads (user_id, n)
    SELECT new.user_id, (new.seen_event_id >= t.last_event_id) -
                        (old.seen_event_id >= t.last_event_id)
    FROM tickets t WHERE t.id = new.ticket_id
    ON CONFLICT (user_id) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER ticket_reads_fresh_delete AFTER DELETE ON ticket_reads
WHEN old.seen_event_id >=
     (SELECT last_event_id FROM tickets WHERE id = old.ticket_id)
BEGIN
    UPDATE ticket_fresh_reads SET n = n - 1 WHERE user_id = old.user_id;
END;
CREATE TRIGGER tickets_fresh_delete BEFORE DELETE ON tickets BEGIN
    UPDATE ticket_fresh_reads SET n = n - 1
    WHERE user_id IN (SELECT user_id FROM ticket_reads
                      WHERE ticket_id = old.id
                        AND seen_event_id >= old.last_event_id);
END;
CREATE TRIGGER tickets_fresh_update AFTER UPDATE OF last_event_id ON tickets
WHEN old.last_event_id <> new.last_event_id BEGIN
    UPDATE ticket_fresh_reads SET n = n +
        (SELECT (tr.seen_event_id >= new.last_event_id) -
                (tr.seen_event_id >= old.last_event_id)
         FROM ticket_reads tr
         WHERE tr.ticket_id = new.id
           AND tr.user_id = ticket_fresh_reads.user_id)
    WHERE user_id IN (SELECT user_id FROM ticket_reads WHERE ticket_id = new.id);
END;
