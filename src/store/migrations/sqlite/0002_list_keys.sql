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
