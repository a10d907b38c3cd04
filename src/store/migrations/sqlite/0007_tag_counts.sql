-- 0007_tag_counts.sql — the number of tickets per (tag, status), kept by
-- triggers in the same transaction as every change (issue 5): a tag view
-- with a status filter ("billing, unresolved") counted by checking every
-- ticket of the tag (53 ms at 1M tickets). A ticket's delete is counted
-- before its tags cascade away (the tag trigger then finds no ticket).
CREATE TABLE tag_counts (
    tag TEXT NOT NULL,
    status_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tag, status_id)
) WITHOUT ROWID;
INSERT INTO tag_counts (tag, status_id, n)
SELECT tt.tag, t.status_id, COUNT(*) FROM ticket_tags tt
JOIN tickets t ON t.id = tt.ticket_id GROUP BY tt.tag, t.status_id;

CREATE TRIGGER ticket_tags_count_insert AFTER INSERT ON ticket_tags BEGIN
    INSERT INTO tag_counts (tag, status_id, n)
    SELECT new.tag, status_id, 1 FROM tickets WHERE id = new.ticket_id
    ON CONFLICT (tag, status_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_tags_count_delete AFTER DELETE ON ticket_tags BEGIN
    UPDATE tag_counts SET n = n - 1
    WHERE tag = old.tag
      AND status_id = (SELECT status_id FROM tickets WHERE id = old.ticket_id);
END;
CREATE TRIGGER tickets_tag_count_delete BEFORE DELETE ON tickets BEGIN
    UPDATE tag_counts SET n = n - 1
    WHERE status_id = old.status_id
      AND tag IN (SELECT tag FROM ticket_tags WHERE ticket_id = old.id);
END;
CREATE TRIGGER tickets_tag_count_status AFTER UPDATE OF status_id ON tickets
WHEN old.status_id IS NOT new.status_id BEGIN
    UPDATE tag_counts SET n = n - 1
    WHERE status_id = old.status_id
      AND tag IN (SELECT tag FROM ticket_tags WHERE ticket_id = new.id);
    INSERT INTO tag_counts (tag, status_id, n)
    SELECT tag, new.status_id, 1 FROM ticket_tags WHERE ticket_id = new.id
    ON CONFLICT (tag, status_id) DO UPDATE SET n = n + 1;
END;
