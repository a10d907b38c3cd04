/* internal.h — what only src/jobs/ files share: the deliverers of each kind
 * of outbox job. Included from src/jobs/ only. */
#ifndef DOCKET_JOBS_INTERNAL_H
#define DOCKET_JOBS_INTERNAL_H

#include "jobs/jobs.h"
#include "mail/mail.h"

/* What a deliverer may use: the worker's system context and its relay. */
struct jobs_env {
    struct dk_ctx *ctx;
    struct dk_smtp *smtp;
    const char *mail_from;
};

/* Delivers an email.reply job: the reply as the ticket's requester and
 * followers get it. DK_OK when the relay took it; DK_BUSY when it may work
 * later; any other status when it never will (a payload that cannot be
 * read, a message or ticket deleted since, a refusal for good, too large). */
DK_MUST_USE enum dk_status jobs_deliver_reply(const struct jobs_env *env,
                                              const struct dk_outbox_job *job,
                                              struct dk_err *err);

/* The parts of an email.reply payload, as core wrote it
 * ({"ticket","message_id","to","bcc": [...]}); arena-owned. DK_INVALID when
 * it is not that. */
struct reply_payload {
    const char *to;
    const char **bcc;
    size_t n_bcc;
};

DK_MUST_USE enum dk_status jobs_parse_reply_payload(struct dk_arena *arena,
                                                    const char *text,
                                                    struct reply_payload *out,
                                                    struct dk_err *err);

#endif
