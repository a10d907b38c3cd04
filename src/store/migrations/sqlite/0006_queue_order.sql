-- 0006_queue_order.sql — the support queue's order, "most urgent first,
-- then the longest waiting" (sort=-priority,created_at, and its mirror
-- priority,-created_at), walked on an index like every single-key sort
-- (store/tickets.c walks_sort_index): at 1,000,000 tickets a page of it
-- sorted every matching row (176 ms). number, the final key, runs in the
-- direction of the last one.
CREATE INDEX tickets_queue
    ON tickets (priority_position DESC, created_at, number);
