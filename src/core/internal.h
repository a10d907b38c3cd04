/* internal.h — what only src/core/ files share. */
#ifndef DOCKET_CORE_INTERNAL_H
#define DOCKET_CORE_INTERNAL_H

#include <pthread.h>
#include <semaphore.h>

#include "core/core.h"
#include "core/ratelimit.h"

struct dk_core {
    struct dk_store *store;
    struct {
        dk_core_commit_fn fn;
        void *user;
    } commit_hooks[DK_MAX_COMMIT_HOOKS];
    unsigned n_commit_hooks;
    pthread_mutex_t hooks_lock; /* guards commit_hooks, n_commit_hooks */
    struct dk_ratelimit *login_by_account;
    struct dk_ratelimit *login_by_address;
    /* Full-text searches running at once: a common word's query holds
     * megabytes of FTS5 doclists while it runs, and on this machine's
     * cores more of them at once only share the same CPU (issue 5: 32 at
     * once held 290 MB). */
    sem_t search_slots;
};

/* A write transaction that remembers the newest event it wrote, so commit
 * can tell the realtime stream. */
struct core_tx {
    struct dk_tx *tx;
    int64_t last_event_id;
};

DK_MUST_USE enum dk_status core_begin(struct dk_ctx *ctx, enum dk_tx_mode mode,
                                      struct core_tx *ctx_tx,
                                      struct dk_err *err);
DK_MUST_USE enum dk_status
core_commit(struct dk_ctx *ctx, struct core_tx *ctx_tx, struct dk_err *err);
void core_rollback(struct core_tx *ctx_tx);
/* Waits for, and gives back, one of the core's search slots. */
void core_search_enter(struct dk_core *core);
void core_search_leave(struct dk_core *core);
/* Ends the transaction the way s says: commits when s is DK_OK (returning
 * the commit's status), rolls back otherwise (returning s). */
DK_MUST_USE enum dk_status core_end(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                    enum dk_status s, struct dk_err *err);

/* The agents an agent's message mentions ("@ann" for ann@… or for the one
 * agent named Ann …), unique, at most DK_MAX_MENTIONS; out->items lives in
 * ctx->arena. Fails only when the store does. */
DK_MUST_USE enum dk_status core_mentions(struct dk_ctx *ctx, struct dk_tx *tx,
                                         const char *body, struct dk_ids *out,
                                         struct dk_err *err);

/* A JSON object of changes, {"field": [old, new], …}, built as text (core
 * never holds json_t). */
struct changes {
    struct dk_buf buf;
    size_t n_fields;
};

void changes_init(struct changes *c, struct dk_arena *arena);
void changes_text(struct changes *c, const char *field, const char *old_value,
                  const char *new_value); /* NULL: null */
void changes_i64(struct changes *c, const char *field, bool has_old,
                 int64_t old_value, bool has_new, int64_t new_value);
void changes_time(struct changes *c, const char *field, int64_t old_ms,
                  int64_t new_ms); /* 0: null */
void changes_ref(struct changes *c, const char *field,
                 const struct dk_ref *old_value,
                 const struct dk_ref *new_value); /* id 0: null */
void changes_strs(struct changes *c, const char *field,
                  const struct dk_strs *old_value,
                  const struct dk_strs *new_value);
/* The event data: {"changes": {…}} plus extra members (may be ""). */
const char *changes_event_data(struct changes *c, const char *extra);

/* Writes an event that belongs to no ticket (configuration changes);
 * agents see it on the stream, customers never. */
DK_MUST_USE enum dk_status core_event(struct dk_ctx *ctx,
                                      struct core_tx *ctx_tx, const char *type,
                                      const char *data, struct dk_err *err);

/* Writes an event for ticket t and records it as the ticket's newest. */
DK_MUST_USE enum dk_status
core_ticket_event(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                  const struct dk_ticket *t, const char *type, bool is_internal,
                  const char *data, int64_t *event_id, struct dk_err *err);

/* Writes message m (kind, body, author and time set) on ticket t inside
 * ctx_tx: links in->attachments, sets first_response_at, writes the
 * message.created event and, for a reply, the outbox row. m->id is set. */
DK_MUST_USE enum dk_status
core_write_message(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                   struct dk_ticket *t, const struct dk_message_input *in,
                   struct dk_message *m, struct dk_err *err);

/* A new user from in (validated, password hashed: slow, so outside any
 * transaction), then its insert and user.created event inside ctx_tx. */
DK_MUST_USE enum dk_status core_user_prepare(struct dk_ctx *ctx,
                                             const struct dk_user_input *in,
                                             struct dk_user *u,
                                             struct dk_err *err);
DK_MUST_USE enum dk_status core_user_insert(struct dk_ctx *ctx,
                                            struct core_tx *ctx_tx,
                                            struct dk_user *u,
                                            struct dk_err *err);

/* Validation shared by commands. Each fails with DK_INVALID naming field. */
DK_MUST_USE enum dk_status check_text(const char *field, const char *s,
                                      size_t min_chars, size_t max_chars,
                                      struct dk_err *err);
DK_MUST_USE enum dk_status check_email(const char *field, const char *s,
                                       struct dk_err *err);
DK_MUST_USE enum dk_status check_key(const char *field, const char *s,
                                     struct dk_err *err);
bool is_one_of(const char *s, const char *const *allowed);

/* Parses the page parameters of a list (limit, cursor length). */
DK_MUST_USE enum dk_status core_page_query(const struct dk_page_params *p,
                                           struct dk_page_query *out,
                                           struct dk_err *err);

/* The ticket channels of shared/API.md, NULL-terminated. */
extern const char *const core_channels[];

/* Loads a ticket the actor may see (DK_NOT_FOUND otherwise). */
DK_MUST_USE enum dk_status load_visible_ticket(struct dk_ctx *ctx,
                                               struct dk_tx *tx, int64_t number,
                                               struct dk_ticket *out,
                                               struct dk_err *err);

/* Random secret of n_bytes as base64url (arena-owned), and the hex SHA-256
 * of a secret (for storage). */
const char *core_random_secret(struct dk_arena *arena, size_t n_bytes);
const char *core_secret_hash(struct dk_arena *arena, const char *secret);

/* Password hashing (argon2id). */
DK_MUST_USE enum dk_status core_password_hash(struct dk_arena *arena,
                                              const char *password,
                                              const char **out,
                                              struct dk_err *err);
bool core_password_verify(const char *hash, const char *password);

#endif
