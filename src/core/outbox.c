/* outbox.c — the commands of the background workers (src/jobs/): lease due
 * outbox jobs, read what a job delivers, and finish it. Only the system
 * actor runs them; a job given up leaves a mark in its ticket's history. */
#include "core/core.h"

#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* Opens the transaction of a background command: the system actor only. */
static enum dk_status begin_system(struct dk_ctx *ctx, enum dk_tx_mode mode,
                                   struct core_tx *ctx_tx, struct dk_err *err)
{
    if (!dk_actor_is_system(ctx->actor)) {
        return dk_fail(err, DK_DENIED, NULL, "background work only");
    }
    return core_begin(ctx, mode, ctx_tx, err);
}

enum dk_status dk_core_outbox_is_due(struct dk_ctx *ctx, const char *kind,
                                     bool *out, struct dk_err *err)
{
    *out = false;
    struct core_tx ctx_tx;
    enum dk_status s = begin_system(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_outbox_is_due(ctx_tx.tx, kind, dk_clock_now_ms(), out, err);
    core_rollback(&ctx_tx);
    return s;
}

enum dk_status dk_core_outbox_claim(struct dk_ctx *ctx, const char *kind,
                                    const char *owner, int64_t lease_ms,
                                    unsigned limit, struct dk_outbox_job **jobs,
                                    size_t *n_jobs, struct dk_err *err)
{
    *jobs = NULL;
    *n_jobs = 0;
    struct core_tx ctx_tx;
    enum dk_status s = begin_system(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_outbox_claim(ctx_tx.tx, kind, owner, dk_clock_now_ms(),
                              lease_ms, limit, jobs, n_jobs, err);
    return core_end(ctx, &ctx_tx, s, err);
}

/* The message of a job and its ticket, inside tx. */
static enum dk_status read_job_message(struct dk_tx *tx,
                                       const struct dk_outbox_job *job,
                                       struct dk_ticket *ticket,
                                       struct dk_message *message,
                                       struct dk_err *err)
{
    enum dk_status s = dk_store_message_get(tx, job->message_id, message, err);
    if (s == DK_OK) {
        s = dk_store_ticket_get(tx, message->ticket_number, 0, ticket, err);
    }
    return s;
}

enum dk_status dk_core_outbox_message(struct dk_ctx *ctx,
                                      const struct dk_outbox_job *job,
                                      struct dk_ticket *ticket,
                                      struct dk_message *message,
                                      struct dk_err *err)
{
    if (!job->message_id) {
        return dk_fail(err, DK_NOT_FOUND, NULL,
                       "outbox job %lld has no message", (long long)job->id);
    }
    struct core_tx ctx_tx;
    enum dk_status s = begin_system(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = read_job_message(ctx_tx.tx, job, ticket, message, err);
    core_rollback(&ctx_tx);
    return s;
}

/* The history entry of a reply that could not be delivered: agents see why
 * on the ticket and on the stream. */
static enum dk_status record_failure(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                     const struct dk_outbox_job *job,
                                     const char *error, struct dk_err *err)
{
    struct dk_message m;
    struct dk_ticket t;
    enum dk_status s = read_job_message(ctx_tx->tx, job, &t, &m, err);
    if (s == DK_NOT_FOUND) {
        return DK_OK; /* the ticket was deleted meanwhile */
    }
    if (s != DK_OK) {
        return s;
    }
    struct dk_buf data;
    dk_buf_init_arena(&data, ctx->arena, 4096);
    dk_buf_appendf(&data, "{\"message_id\":%lld,\"attempts\":%lld,\"error\":",
                   (long long)job->message_id, (long long)job->attempts);
    const char *why = error ? error : "not delivered";
    dk_buf_append_json_string(&data, why, strlen(why));
    dk_buf_appendc(&data, '}');
    int64_t event_id = 0;
    return core_ticket_event(ctx, ctx_tx, &t, "message.delivery_failed", true,
                             dk_buf_cstr(&data), &event_id, err);
}

enum dk_status dk_core_outbox_finish(struct dk_ctx *ctx,
                                     const struct dk_outbox_job *job,
                                     const char *owner,
                                     enum dk_outbox_outcome outcome,
                                     int64_t retry_at_ms, const char *error,
                                     bool *is_held, struct dk_err *err)
{
    *is_held = false;
    struct core_tx ctx_tx;
    enum dk_status s = begin_system(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_outbox_finish(ctx_tx.tx, job, owner, outcome, retry_at_ms,
                               error, is_held, err);
    if (s == DK_OK && *is_held && outcome == DK_OUTBOX_FAILED &&
        job->message_id) {
        s = record_failure(ctx, &ctx_tx, job, error, err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}
