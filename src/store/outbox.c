/* outbox.c — work for after commit (email out, later webhooks): written in
 * the transaction of the change that caused it, then leased, done and
 * finished by the workers of src/jobs/ on any node (migration 0003). */
#include "store/store.h"

#include <string.h>

#include "store/internal.h"

enum dk_status dk_store_outbox_insert(struct dk_tx *tx,
                                      const struct dk_outbox_item *item,
                                      struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO outbox (event_id, message_id, kind, payload, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    int64_t now = dk_clock_now_ms();
    q_i64(&q, item->event_id);
    q_i64_or_null(&q, item->message_id);
    q_text(&q, item->kind);
    q_text(&q, item->payload);
    q_i64(&q, now);
    q_i64(&q, now);
    return q_exec(&q, err);
}

enum dk_status dk_store_outbox_is_due(struct dk_tx *tx, const char *kind,
                                      int64_t now_ms, bool *out,
                                      struct dk_err *err)
{
    static const char sql[] = "SELECT 1 FROM outbox WHERE state = 'pending' "
                              "AND kind = ? AND next_attempt_at <= ? LIMIT 1";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, kind);
    q_i64(&q, now_ms);
    *out = false;
    s = q_step(&q, out, err);
    q_close(&q);
    return s;
}

enum dk_status dk_store_outbox_claim(struct dk_tx *tx, const char *kind,
                                     const char *owner, int64_t now_ms,
                                     int64_t lease_ms, unsigned limit,
                                     struct dk_outbox_job **items,
                                     size_t *n_items, struct dk_err *err)
{
    struct sqlb b;
    sqlb_init(&b, tx);
    sqlb_sql(&b, "UPDATE outbox SET next_attempt_at = ?");
    sqlb_i64(&b, now_ms + lease_ms);
    sqlb_sql(&b, ", lease_owner = ?");
    sqlb_text(&b, owner);
    sqlb_sql(&b, ", attempts = attempts + 1 WHERE id IN (SELECT id FROM "
                 "outbox WHERE state = 'pending' AND kind = ?");
    sqlb_text(&b, kind);
    sqlb_sql(&b, " AND next_attempt_at <= ?");
    sqlb_i64(&b, now_ms);
    sqlb_sql(&b, " ORDER BY next_attempt_at, id LIMIT ?");
    sqlb_i64(&b, limit);
    sqlb_sql(&b, tx->store->ops->lock_skip_locked);
    sqlb_sql(&b, ") RETURNING id, event_id, message_id, kind, payload, "
                 "attempts, next_attempt_at");
    struct q q;
    enum dk_status s = sqlb_open(&b, &q, tx, err);
    if (s != DK_OK) {
        return s;
    }
    *items = dk_arena_calloc(tx->arena, limit ? limit : 1, sizeof(**items));
    *n_items = 0;
    while (q_next(&q, &s, err) && *n_items < limit) {
        struct dk_outbox_job *job = &(*items)[(*n_items)++];
        job->id = q_col_i64(&q, 0);
        job->event_id = q_col_i64(&q, 1);
        job->message_id = q_col_i64(&q, 2);
        job->kind = q_col_text(&q, 3);
        job->payload = q_col_text(&q, 4);
        job->attempts = q_col_i64(&q, 5);
        job->lease_until_ms = q_col_i64(&q, 6);
    }
    q_close(&q);
    return s;
}

/* The SET clause of each outcome. A job given back or retried loses its
 * owner; a finished one keeps the node that finished it, for the record. */
static const char *outcome_sql(enum dk_outbox_outcome outcome)
{
    switch (outcome) {
    case DK_OUTBOX_SENT:
        return "UPDATE outbox SET state = 'sent', done_at = ?, "
               "last_error = ? ";
    case DK_OUTBOX_RETRY:
        return "UPDATE outbox SET next_attempt_at = ?, last_error = ?, "
               "lease_owner = NULL ";
    case DK_OUTBOX_FAILED:
        return "UPDATE outbox SET state = 'failed', done_at = ?, "
               "last_error = ? ";
    case DK_OUTBOX_RELEASE:
        break;
    }
    return "UPDATE outbox SET next_attempt_at = ?, last_error = ?, "
           "lease_owner = NULL, attempts = attempts - 1 ";
}

enum dk_status dk_store_outbox_finish(struct dk_tx *tx,
                                      const struct dk_outbox_job *job,
                                      const char *owner,
                                      enum dk_outbox_outcome outcome,
                                      int64_t retry_at_ms, const char *error,
                                      bool *is_held, struct dk_err *err)
{
    struct sqlb b;
    sqlb_init(&b, tx);
    sqlb_sql(&b, outcome_sql(outcome));
    sqlb_i64(&b, outcome == DK_OUTBOX_RETRY ? retry_at_ms : dk_clock_now_ms());
    sqlb_text(&b, error);
    /* The attempt number fences the lease: a job whose lease ran out and
     * was claimed again carries a higher one. */
    sqlb_sql(&b, "WHERE id = ?");
    sqlb_i64(&b, job->id);
    sqlb_sql(&b, " AND state = 'pending' AND lease_owner = ?");
    sqlb_text(&b, owner);
    sqlb_sql(&b, " AND attempts = ?");
    sqlb_i64(&b, job->attempts);
    struct q q;
    enum dk_status s = sqlb_open(&b, &q, tx, err);
    if (s == DK_OK) {
        s = q_exec(&q, err);
    }
    *is_held = s == DK_OK && tx->store->ops->changes(tx->conn) == 1;
    return s;
}
