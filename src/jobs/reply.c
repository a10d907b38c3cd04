/* reply.c — a public reply by email: read what core queued, compose the
 * message (threaded under its ticket) and hand it to the relay. */
#include "jobs/internal.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

enum { MAX_MAIL_BYTES = 50 * 1024 * 1024 }; /* common relay limits */

enum dk_status jobs_parse_reply_payload(struct dk_arena *arena,
                                        const char *text,
                                        struct reply_payload *out,
                                        struct dk_err *err)
{
    memset(out, 0, sizeof(*out));
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    const json_t *to = json_object_get(root, "to");
    const json_t *bcc = json_object_get(root, "bcc");
    enum dk_status s = DK_OK;
    if (!json_is_string(to) || (bcc && !json_is_array(bcc))) {
        s = dk_fail(err, DK_INVALID, NULL, "reply payload is not readable");
    }
    size_t n = s == DK_OK && bcc ? json_array_size(bcc) : 0;
    out->bcc = dk_arena_calloc(arena, n ? n : 1, sizeof(*out->bcc));
    for (size_t i = 0; s == DK_OK && i < n; i++) {
        const json_t *address = json_array_get(bcc, i);
        if (!json_is_string(address)) {
            s = dk_fail(err, DK_INVALID, NULL, "reply payload is not readable");
            break;
        }
        out->bcc[out->n_bcc++] =
            dk_arena_strdup(arena, json_string_value(address));
    }
    if (s == DK_OK) {
        out->to = dk_arena_strdup(arena, json_string_value(to));
    }
    json_decref(root);
    return s;
}

/* The files of the reply, with their bytes. */
static enum dk_status read_attachments(const struct jobs_env *env,
                                       const struct dk_message *m,
                                       struct dk_mail_attachment **out,
                                       struct dk_err *err)
{
    *out =
        dk_arena_calloc(env->ctx->arena,
                        m->n_attachments ? m->n_attachments : 1, sizeof(**out));
    for (size_t i = 0; i < m->n_attachments; i++) {
        struct dk_attachment a;
        const void *data = NULL;
        size_t len = 0;
        enum dk_status s = dk_core_attachment_read(
            env->ctx, m->attachments[i].id, &a, &data, &len, err);
        if (s != DK_OK) {
            return s;
        }
        (*out)[i] = (struct dk_mail_attachment){a.name, a.type, data, len};
    }
    return DK_OK;
}

/* "[#12] Printer on fire": the number lets a customer's answer find its
 * ticket (and agents' mail filters sort). */
static const char *reply_subject(struct dk_arena *arena,
                                 const struct dk_ticket *t)
{
    char tag[32];
    snprintf(tag, sizeof(tag), "[#%lld]", (long long)t->number);
    if (strstr(t->subject, tag)) {
        return t->subject;
    }
    return dk_arena_printf(arena, "%s %s", tag, t->subject);
}

static enum dk_status compose_reply(const struct jobs_env *env,
                                    const struct reply_payload *p,
                                    const struct dk_ticket *t,
                                    const struct dk_message *m,
                                    struct dk_buf *out, struct dk_err *err)
{
    struct dk_mail_attachment *files = NULL;
    enum dk_status s = read_attachments(env, m, &files, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_arena *arena = env->ctx->arena;
    const char *domain = dk_mail_domain(env->mail_from);
    /* Stable ids: a second delivery of the same reply (a node died after
     * the relay took it) is the same message to the customer's mail. */
    struct dk_outgoing_mail mail = {
        .from_name = m->author.name,
        .from_address = env->mail_from,
        .to = p->to,
        .subject = reply_subject(arena, t),
        .message_id =
            dk_arena_printf(arena, "docket.%lld.%lld@%s", (long long)t->number,
                            (long long)m->id, domain),
        .in_reply_to = dk_arena_printf(arena, "docket.%lld@%s",
                                       (long long)t->number, domain),
        .date_ms = m->created_at_ms,
        .body = m->body,
        .attachments = files,
        .n_attachments = m->n_attachments,
        .ticket_number = t->number,
    };
    return dk_mail_compose(&mail, out, err);
}

/* The time a send may take: half of what is left of the job's lease, at
 * most a minute, so the lease outlives the send; 0 when too little is left
 * (the job is then retried rather than risked). */
static int64_t send_budget_ms(const struct dk_outbox_job *job)
{
    int64_t left = job->lease_until_ms - dk_clock_now_ms();
    int64_t budget = left / 2 < 60000 ? left / 2 : 60000;
    return budget >= 500 ? budget : 0;
}

/* The requester's copy alone decides the outcome (its own SMTP
 * transaction, so its answer is not mixed with the followers'); the
 * followers' blind copies follow once it is taken, best effort. */
static enum dk_status send_copies(const struct jobs_env *env,
                                  const struct dk_outbox_job *job,
                                  const struct reply_payload *p,
                                  const struct dk_buf *data, struct dk_err *err)
{
    int64_t budget = send_budget_ms(job);
    if (!budget) {
        return dk_fail(err, DK_BUSY, NULL, "lease too short to send");
    }
    const char *to[] = {p->to};
    enum dk_status s = dk_smtp_send(env->smtp, env->mail_from, to, 1, data->ptr,
                                    data->len, budget, err);
    budget = send_budget_ms(job);
    if (s != DK_OK || p->n_bcc == 0 || !budget) {
        return s;
    }
    struct dk_err copies_err;
    dk_err_init(&copies_err);
    if (dk_smtp_send(env->smtp, env->mail_from, p->bcc, p->n_bcc, data->ptr,
                     data->len, budget, &copies_err) != DK_OK) {
        dk_log_warn("jobs: outbox job %lld: followers' copies not sent: %s",
                    (long long)job->id, copies_err.message);
    }
    return DK_OK;
}

enum dk_status jobs_deliver_reply(const struct jobs_env *env,
                                  const struct dk_outbox_job *job,
                                  struct dk_err *err)
{
    struct dk_arena *arena = env->ctx->arena;
    struct reply_payload p;
    enum dk_status s = jobs_parse_reply_payload(arena, job->payload, &p, err);
    struct dk_ticket t;
    struct dk_message m;
    if (s == DK_OK) {
        s = dk_core_outbox_message(env->ctx, job, &t, &m, err);
    }
    struct dk_buf data;
    dk_buf_init(&data, MAX_MAIL_BYTES);
    if (s == DK_OK) {
        s = compose_reply(env, &p, &t, &m, &data, err);
    }
    if (s == DK_OK) {
        s = send_copies(env, job, &p, &data, err);
    }
    dk_buf_release(&data);
    return s;
}
