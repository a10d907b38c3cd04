-- 0004_reads_by_ticket.sql — read marks found by ticket (issue 5).
-- Every change to a ticket moves its last_event_id, and the trigger that
-- keeps the unread counters (0002, tickets_fresh_update) then looks up the
-- ticket's read marks by ticket. ticket_reads' key starts with user_id, so
-- that lookup scanned every read mark: ~0.6 ms per create at 15,000
-- tickets, growing with the table. Deleting a ticket (the cascade and
-- tickets_fresh_delete) did the same.
CREATE INDEX ticket_reads_ticket ON ticket_reads (ticket_id, user_id);
