/* mail.h — the public header of src/mail: email out (composing a message
 * with GMime, sending it over SMTP with libcurl). Mail in comes here too.
 *
 * Threads: call dk_mail_init once before any other thread uses this module;
 * after that a struct dk_smtp belongs to one thread at a time, and
 * dk_mail_compose may run on any number of threads at once. */
#ifndef DOCKET_MAIL_MAIL_H
#define DOCKET_MAIL_MAIL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* Initialises GMime and libcurl for the process (idempotent, not
 * thread-safe: call it before starting threads that send mail). */
void dk_mail_init(void);

struct dk_mail_attachment {
    const char *name;
    const char *type; /* "image/png"; NULL or malformed: octet-stream */
    const void *data;
    size_t len;
};

/* A message to compose. Every string is UTF-8; header values have their
 * line breaks and other control characters replaced by spaces, so no input
 * can add a header. Addresses are checked by the caller (core). */
struct dk_outgoing_mail {
    const char *from_name; /* display name; NULL: none */
    const char *from_address;
    const char *to; /* the one To address */
    const char *subject;
    const char *message_id;  /* without <> */
    const char *in_reply_to; /* without <>; NULL: none; also References */
    int64_t date_ms;
    const char *body; /* text/plain */
    const struct dk_mail_attachment *attachments;
    size_t n_attachments;
    int64_t ticket_number; /* X-Docket-Ticket; 0: none */
};

/* Writes m as an RFC 5322 message with CRLF line ends into out (which bounds
 * its size: DK_TOO_LARGE past it). */
DK_MUST_USE enum dk_status dk_mail_compose(const struct dk_outgoing_mail *m,
                                           struct dk_buf *out,
                                           struct dk_err *err);

/* The domain of an address ("example.com" of "a@example.com"; "localhost"
 * when it has none). Borrowed from address. */
const char *dk_mail_domain(const char *address);

/* An SMTP relay: smtp://host[:port] (plain; a local MTA) or
 * smtps://host[:port] (TLS), optionally with user:password@ before the
 * host (AUTH; on smtp:// then only over STARTTLS). Keeps its connection
 * open between messages. */
struct dk_smtp;

struct dk_smtp_config {
    const char *url;
    int64_t timeout_ms; /* for a whole message; 0: 60 s */
    /* Non-NULL: a send in progress gives up (DK_BUSY) once it turns true,
     * so a stopping server need not wait for a slow relay. */
    const atomic_bool *is_stopping;
};

/* DK_INVALID (field "smtp") for a URL that is not smtp:// or smtps://. */
DK_MUST_USE enum dk_status dk_smtp_new(const struct dk_smtp_config *config,
                                       struct dk_smtp **out,
                                       struct dk_err *err);
void dk_smtp_free(struct dk_smtp *smtp);

/* Sends data (a composed message) from envelope_from to the n_rcpts
 * addresses, within timeout_ms (0 or more than the config's: the config's).
 * DK_OK once the relay took it for at least one recipient (send the one
 * whose answer matters alone); DK_INVALID when the relay refused this
 * message for good (a 5xx to its recipient or to its content); DK_BUSY when
 * it may go through later (no connection, a 4xx, a time-out, a refusal of
 * the session: greeting, AUTH, MAIL FROM). err->message says what libcurl
 * reported of the relay's answer. */
DK_MUST_USE enum dk_status
dk_smtp_send(struct dk_smtp *smtp, const char *envelope_from,
             const char *const *rcpts, size_t n_rcpts, const char *data,
             size_t len, int64_t timeout_ms, struct dk_err *err);

#endif
