-- 0007_tag_counts.sql — tickets per (tag, status), kept by triggers (as
-- sqlite/0007_tag_counts.sql); a ticket's delete is counted before its
-- tags cascade away (the tag trigger then finds no ticket).
CREATE TABLE tag_counts (
    tag TEXT NOT NULL,
    status_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (tag, status_id)
);
INSERT INTO tag_counts (tag, status_id, n)
SELECT tt.tag, t.status_id, COUNT(*) FROM ticket_tags tt
JOIN tickets t ON t.id = tt.ticket_id GROUP BY tt.tag, t.status_id;

CREATE FUNCTION ticket_tags_count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tag_counts (tag, status_id, n)
        SELECT NEW.tag, status_id, 1 FROM tickets WHERE id = NEW.ticket_id
        ON CONFLICT (tag, status_id) DO UPDATE SET n = tag_counts.n + 1;
    ELSE
        UPDATE tag_counts SET n = n - 1
        WHERE tag = OLD.tag
          AND status_id = (SELECT status_id FROM tickets
                           WHERE id = OLD.ticket_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_tags_count AFTER INSERT OR DELETE ON ticket_tags
    FOR EACH ROW EXECUTE FUNCTION ticket_tags_count_follow();

CREATE FUNCTION tickets_tag_count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE tag_counts SET n = n - 1
        WHERE status_id = OLD.status_id
          AND tag IN (SELECT tag FROM ticket_tags WHERE ticket_id = OLD.id);
        RETURN OLD;
    END IF;
    UPDATE tag_counts SET n = n - 1
    WHERE status_id = OLD.status_id
      AND tag IN (SELECT tag FROM ticket_tags WHERE ticket_id = NEW.id);
    INSERT INTO tag_counts (tag, status_id, n)
    SELECT tag, NEW.status_id, 1 FROM ticket_tags WHERE ticket_id = NEW.id
    ON CONFLICT (tag, status_id) DO UPDATE SET n = tag_counts.n + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_tag_count_delete BEFORE DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_tag_count_follow();
CREATE TRIGGER tickets_tag_count_status AFTER UPDATE OF status_id ON tickets
    FOR EACH ROW WHEN (OLD.status_id IS DISTINCT FROM NEW.status_id)
    EXECUTE FUNCTION tickets_tag_count_follow();
