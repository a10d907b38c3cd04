-- 0003_outbox_leases.sql — the outbox worker (issue 4; docs/architecture.md,
-- Background work):
-- * a job is claimed by moving its next_attempt_at to the end of a lease and
--   naming the node in lease_owner (FOR UPDATE SKIP LOCKED: nodes claiming
--   at once take different jobs), so a node that dies mid-job gives the job
--   back simply by its lease running out; finishing checks the owner and the
--   attempt number (a lease that ran out and was taken is not overwritten);
-- * state: 'pending' (due at next_attempt_at), 'sent', 'failed' (given up:
--   a permanent refusal or too many attempts), with the last error kept;
-- * message_id ties a reply's email to its message, for its delivery state.

ALTER TABLE outbox ADD COLUMN message_id BIGINT;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN done_at BIGINT;
UPDATE outbox SET message_id = (payload::jsonb ->> 'message_id')::bigint;
CREATE INDEX outbox_message ON outbox (message_id);
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (kind, next_attempt_at) WHERE state = 'pending';
-- Replies written before Docket sent email were never meant to leave this
-- late: they are marked given up (visible on the message), not sent now.
UPDATE outbox SET state = 'failed', done_at = created_at,
    last_error = 'written before Docket sent email (migration 0003)'
    WHERE state = 'pending';
