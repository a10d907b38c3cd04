/* core.h — the public header of src/core: every change Docket makes goes
 * through a command here (DESIGN.md, principle 1): permission → validation →
 * one transaction writing the new state, an event row and any outbox rows.
 * Adapters (HTTP, CLI, mail) call these and never see SQL.
 *
 * Memory: every command takes a struct dk_ctx whose arena owns whatever the
 * command returns; results live until that arena is released.
 * Threads: a struct dk_core is shared by all threads; commands may run
 * concurrently. */
#ifndef DOCKET_CORE_CORE_H
#define DOCKET_CORE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

struct dk_core;

/* Called after every commit that wrote events, with the newest event id.
 * Runs on the committing thread: must not block nor call into core. */
typedef void (*dk_core_commit_fn)(void *user, int64_t last_event_id);

/* The agent roles' rights (shared/API.md, Access rights). */
enum dk_scope {
    DK_SCOPE_ALL,
    DK_SCOPE_GROUPS,
    DK_SCOPE_ASSIGNED,
    DK_SCOPE_INVITED
};

struct dk_rights {
    enum dk_scope ticket_scope;
    bool can_create;
    bool can_edit;
    bool can_delete;
    bool can_assign;
    bool can_close;
    bool can_merge;
    bool can_see_reports;
    bool can_manage_users;
    bool can_manage_settings;
};

/* Who is acting. A zeroed actor (id 0) is the system (CLI, first start). */
struct dk_actor {
    int64_t id;
    const char *kind; /* "agent" | "customer" */
    const char *role;
    const char *name;
    int64_t session_id;     /* 0 unless signed in by cookie */
    const char *csrf_token; /* with a session */
};

struct dk_ctx {
    struct dk_core *core;
    const struct dk_actor *actor;
    struct dk_arena *arena;
};

/* Opens the store (creating and migrating the database) and the core over
 * it; the core owns the store. Caller frees with dk_core_free. Failures are
 * dk_store_open's. */
DK_MUST_USE enum dk_status dk_core_open(const struct dk_store_config *config,
                                        struct dk_core **out,
                                        struct dk_err *err);
void dk_core_free(struct dk_core *core);

/* Moves a whole installation from one database to another (opening and
 * migrating both): see dk_store_copy for the rules and the report. */
DK_MUST_USE enum dk_status dk_core_migrate(const struct dk_store_config *from,
                                           const struct dk_store_config *to,
                                           struct dk_store_copy_report *report,
                                           struct dk_err *err);

/* Schema version of the database after migrations. */
int dk_core_schema_version(const struct dk_core *core);

/* Id of the newest committed event, from any process (0 when none). */
DK_MUST_USE enum dk_status dk_core_last_event_id(struct dk_core *core,
                                                 int64_t *out);

/* Adds fn to the functions called after every commit that wrote events
 * (here, or on another node: the first one added starts watching the store
 * for those). At most DK_MAX_COMMIT_HOOKS. Hooks run under a lock that
 * add and remove take: a removed hook is never called again. */
enum { DK_MAX_COMMIT_HOOKS = 4 };
void dk_core_add_commit_hook(struct dk_core *core, dk_core_commit_fn fn,
                             void *user);
void dk_core_remove_commit_hook(struct dk_core *core, dk_core_commit_fn fn,
                                void *user);

/* The page parameters of a list, unparsed (NULL: absent): `limit` as for
 * every list (default 50, 1..500), `cursor` from the previous page. Lists
 * given only these fail with DK_INVALID (field "limit" or "cursor") for bad
 * ones. */
struct dk_page_params {
    const char *cursor;
    const char *limit;
};

/* ---- permissions and rules (pure functions, unit-tested) ---- */

bool dk_actor_is_agent(const struct dk_actor *a);
bool dk_actor_is_system(const struct dk_actor *a);
/* The rights of an agent role; all false for customers and unknown roles. */
struct dk_rights dk_rights_of(const struct dk_actor *a);
/* May actor see ticket t at all (else: 404)? */
bool dk_can_see_ticket(const struct dk_actor *a, const struct dk_ticket *t);
struct dk_ticket_input;
/* The first field of in that customer a may not set on ticket t (NULL: a
 * new ticket), or NULL when every field present is allowed (docs/api.md,
 * Tickets): their own words — subject, description (and attachments, on
 * create) — and, on their own ticket, the status (which category they may
 * move it to is checked once the status is resolved). Every field of
 * someone else's ticket is refused. */
const char *dk_customer_denied_field(const struct dk_actor *a,
                                     const struct dk_ticket *t,
                                     const struct dk_ticket_input *in);
/* May actor see event e (stream and history)? */
bool dk_can_see_event(const struct dk_actor *a, const struct dk_event *e);
/* Is the ticket unread for a reader whose read mark is seen_event_id
 * (0: never opened)? */
bool dk_is_unread(int64_t last_event_id, int64_t seen_event_id);

/* ---- first start ---- */

/* When the database has no users, creates the admin with email and password
 * (password NULL: a generated one, returned in *generated, arena-owned). */
DK_MUST_USE enum dk_status
dk_core_seed(struct dk_core *core, struct dk_arena *arena, const char *email,
             const char *password, const char **generated, struct dk_err *err);

/* ---- sign-in ---- */

struct dk_login {
    const char *session_token; /* the cookie value; shown once */
    const char *csrf_token;
    struct dk_user user;
};

/* Checks the password, rate-limited per account and per address
 * (DK_RATE_LIMITED, *retry_after_s set). DK_UNAUTHENTICATED when wrong. */
DK_MUST_USE enum dk_status
dk_core_login(struct dk_ctx *ctx, const char *email, const char *password,
              const char *address, struct dk_login *out, int64_t *retry_after_s,
              struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_logout(struct dk_ctx *ctx,
                                          struct dk_err *err);
/* Resolves a session cookie or a bearer token to an actor (arena-owned).
 * DK_UNAUTHENTICATED when unknown, expired, revoked or the user disabled. */
DK_MUST_USE enum dk_status dk_core_auth_session(struct dk_core *core,
                                                struct dk_arena *arena,
                                                const char *cookie,
                                                struct dk_actor *out,
                                                struct dk_err *err);
DK_MUST_USE enum dk_status
dk_core_auth_token(struct dk_core *core, struct dk_arena *arena,
                   const char *token, struct dk_actor *out, struct dk_err *err);

/* Constant-time comparison of two NUL-terminated secrets. */
bool dk_core_secret_equal(const char *a, const char *b);

struct dk_new_token {
    struct dk_token token;
    const char *secret; /* shown once */
};

/* Creates an API token for user_id (0: the actor). Others' only for admins;
 * the system actor may create for anyone. */
DK_MUST_USE enum dk_status
dk_core_token_create(struct dk_ctx *ctx, int64_t user_id, const char *name,
                     struct dk_new_token *out, struct dk_err *err);
/* A page of the live tokens of user_id (0: the actor), newest first.
 * Others' only for admins (DK_DENIED, field "user_id"). */
DK_MUST_USE enum dk_status dk_core_token_list(struct dk_ctx *ctx,
                                              int64_t user_id,
                                              const struct dk_page_params *p,
                                              struct dk_token_page *out,
                                              struct dk_err *err);
DK_MUST_USE enum dk_status
dk_core_token_revoke(struct dk_ctx *ctx, int64_t token_id, struct dk_err *err);

/* ---- users ---- */

struct dk_user_input {
    bool has_kind;
    const char *kind;
    bool has_role;
    const char *role;
    bool has_name;
    const char *name;
    bool has_email;
    const char *email;
    bool has_password;
    const char *password;
    const char *current_password; /* for changing one's own password */
    bool has_disabled;
    bool is_disabled;
    bool has_availability;
    const char *availability;
    bool has_capacity;
    bool is_capacity_null;
    int64_t capacity;
    bool has_skills;
    struct dk_strs skills;
    bool has_organization;
    int64_t organization_id; /* 0: none */
};

DK_MUST_USE enum dk_status dk_core_user_create(struct dk_ctx *ctx,
                                               const struct dk_user_input *in,
                                               struct dk_user *out,
                                               struct dk_err *err);
/* user_id 0: the actor (PATCH /me rules); otherwise admins only.
 * DK_CONFLICT (field "disabled", "role" or "kind") when the change would
 * leave no enabled admin. */
DK_MUST_USE enum dk_status dk_core_user_update(struct dk_ctx *ctx,
                                               int64_t user_id,
                                               const struct dk_user_input *in,
                                               struct dk_user *out,
                                               struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_user_get(struct dk_ctx *ctx, int64_t user_id,
                                            struct dk_user *out,
                                            struct dk_err *err);

/* Query-string parameters of a user list, unparsed (NULL: absent). */
struct dk_user_list_params {
    const char *kind;
    const char *role;
    const char *q;
    const char *disabled;
    const char *sort;
    const char *cursor;
    const char *limit;
};

DK_MUST_USE enum dk_status
dk_core_user_list(struct dk_ctx *ctx, const struct dk_user_list_params *p,
                  struct dk_user_page *out, struct dk_err *err);

/* ---- statuses and priorities ---- */

struct dk_enum_input {
    bool has_key;
    const char *key;
    bool has_name;
    const char *name;
    bool has_category;
    const char *category;
    bool has_position;
    int64_t position;
    bool has_retired;
    bool is_retired;
};

/* A page of the statuses or priorities in position order (everyone signed
 * in). */
DK_MUST_USE enum dk_status dk_core_enum_list(struct dk_ctx *ctx,
                                             enum dk_enum_table table,
                                             const struct dk_page_params *p,
                                             struct dk_enum_page *out,
                                             struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_enum_create(struct dk_ctx *ctx,
                                               enum dk_enum_table table,
                                               const struct dk_enum_input *in,
                                               struct dk_enum_value *out,
                                               struct dk_err *err);
DK_MUST_USE enum dk_status
dk_core_enum_update(struct dk_ctx *ctx, enum dk_enum_table table,
                    const char *key, const struct dk_enum_input *in,
                    struct dk_enum_value *out, struct dk_err *err);

/* ---- tickets ---- */

struct dk_ticket_input {
    bool has_subject;
    const char *subject;
    bool has_description;
    const char *description;
    bool has_status;
    const char *status;
    bool has_priority;
    const char *priority;
    bool has_assignee;
    int64_t assignee_id; /* 0: none */
    bool has_group;
    int64_t group_id; /* 0: none */
    bool has_requester_id;
    int64_t requester_id;
    bool has_requester; /* found or created by email */
    const char *requester_email;
    const char *requester_name; /* NULL: derived from the email */
    bool has_deadline;
    int64_t deadline_ms; /* 0: none */
    bool has_channel;
    const char *channel;
    bool has_tags;
    struct dk_strs tags;
    bool has_followers;
    struct dk_ids follower_ids;
    /* create only: files for a first message carrying the description
     * (inbound from a customer, an internal note from an agent) */
    struct dk_ids attachments;
};

DK_MUST_USE enum dk_status
dk_core_ticket_create(struct dk_ctx *ctx, const struct dk_ticket_input *in,
                      struct dk_ticket *out, struct dk_err *err);
DK_MUST_USE enum dk_status
dk_core_ticket_update(struct dk_ctx *ctx, int64_t number,
                      const struct dk_ticket_input *in, struct dk_ticket *out,
                      struct dk_err *err);
/* Reads a ticket; an agent's read marks it read for them. */
DK_MUST_USE enum dk_status dk_core_ticket_get(struct dk_ctx *ctx,
                                              int64_t number,
                                              struct dk_ticket *out,
                                              struct dk_err *err);
DK_MUST_USE enum dk_status
dk_core_ticket_delete(struct dk_ctx *ctx, int64_t number, struct dk_err *err);

/* Query-string parameters of a ticket list, unparsed (NULL: absent). */
struct dk_ticket_list_params {
    const char *status;
    const char *priority;
    const char *assignee;
    const char *group;
    const char *requester;
    const char *channel;
    const char *tag;
    const char *created_after;
    const char *created_before;
    const char *deadline_before;
    const char *unread;
    const char *q;
    const char *sort;
    const char *cursor;
    const char *limit;
};

DK_MUST_USE enum dk_status
dk_core_ticket_list(struct dk_ctx *ctx, const struct dk_ticket_list_params *p,
                    struct dk_ticket_page *out, struct dk_err *err);

/* Parses a sort parameter ("-priority,created_at") into q->sort.
 * DK_INVALID (field "sort") for unknown or repeated fields. */
DK_MUST_USE enum dk_status dk_core_parse_ticket_sort(const char *text,
                                                     struct dk_ticket_query *q,
                                                     struct dk_err *err);

/* Parses a list limit ("1".."500"; NULL: the default). */
DK_MUST_USE enum dk_status dk_core_parse_limit(const char *text, unsigned *out,
                                               struct dk_err *err);

/* ---- messages and history ---- */

struct dk_message_input {
    const char *kind; /* "reply" | "note"; NULL: reply */
    const char *body;
    struct dk_ids attachments;
};

DK_MUST_USE enum dk_status
dk_core_message_create(struct dk_ctx *ctx, int64_t number,
                       const struct dk_message_input *in,
                       struct dk_message *out, struct dk_err *err);
/* A page of the thread, oldest first; customers never see notes. DK_NOT_FOUND
 * for a ticket the actor cannot see; DK_INVALID (field "limit" or "cursor")
 * for bad page parameters. Items live in ctx->arena. */
DK_MUST_USE enum dk_status dk_core_message_list(struct dk_ctx *ctx,
                                                int64_t number,
                                                const struct dk_page_params *p,
                                                struct dk_message_page *out,
                                                struct dk_err *err);
/* A page of the ticket's history, oldest first, as dk_core_message_list;
 * customers see only the events dk_can_see_event allows them. */
DK_MUST_USE enum dk_status dk_core_event_list(struct dk_ctx *ctx,
                                              int64_t number,
                                              const struct dk_page_params *p,
                                              struct dk_event_page *out,
                                              struct dk_err *err);

/* Events after after_id that the actor may see, oldest first; *scanned_to
 * is the last id examined (resume point even when all were filtered). */
DK_MUST_USE enum dk_status
dk_core_events_after(struct dk_ctx *ctx, int64_t after_id, unsigned limit,
                     struct dk_event **items, size_t *n_items,
                     int64_t *scanned_to, struct dk_err *err);

/* ---- groups ---- */

struct dk_group_input {
    bool has_name;
    const char *name;
    bool has_assignment;
    const char *assignment;
    bool has_members;
    struct dk_ids members;
};

/* A page of the groups by name (agents; DK_DENIED for others). */
DK_MUST_USE enum dk_status dk_core_group_list(struct dk_ctx *ctx,
                                              const struct dk_page_params *p,
                                              struct dk_group_page *out,
                                              struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_group_get(struct dk_ctx *ctx, int64_t id,
                                             struct dk_group *out,
                                             struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_group_create(struct dk_ctx *ctx,
                                                const struct dk_group_input *in,
                                                struct dk_group *out,
                                                struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_group_update(struct dk_ctx *ctx, int64_t id,
                                                const struct dk_group_input *in,
                                                struct dk_group *out,
                                                struct dk_err *err);
DK_MUST_USE enum dk_status dk_core_group_delete(struct dk_ctx *ctx, int64_t id,
                                                struct dk_err *err);

/* ---- attachments ---- */

struct dk_upload {
    const char *name;
    const char *type;
    const void *data;
    size_t len;
};

DK_MUST_USE enum dk_status dk_core_attachment_upload(struct dk_ctx *ctx,
                                                     const struct dk_upload *in,
                                                     struct dk_attachment *out,
                                                     struct dk_err *err);
/* Metadata and bytes, when the actor may read it (else DK_NOT_FOUND). */
DK_MUST_USE enum dk_status
dk_core_attachment_read(struct dk_ctx *ctx, int64_t id,
                        struct dk_attachment *out, const void **data,
                        size_t *len, struct dk_err *err);
/* The type to serve: script-capable types become application/octet-stream. */
const char *dk_core_safe_content_type(const char *type);

/* ---- background work (src/jobs/; the system actor only, else DK_DENIED) ----
 * An outbox job is leased to one node at a time (dk_store_outbox_claim), so
 * every node may run the workers; a node that dies gives its jobs back when
 * their leases run out. */

/* Whether a job of kind is due now (a cheap read: the worker's poll). */
DK_MUST_USE enum dk_status dk_core_outbox_is_due(struct dk_ctx *ctx,
                                                 const char *kind, bool *out,
                                                 struct dk_err *err);
/* Leases up to limit due jobs of kind to owner for lease_ms (one write
 * transaction, committed before this returns). Jobs in ctx->arena. */
DK_MUST_USE enum dk_status
dk_core_outbox_claim(struct dk_ctx *ctx, const char *kind, const char *owner,
                     int64_t lease_ms, unsigned limit,
                     struct dk_outbox_job **jobs, size_t *n_jobs,
                     struct dk_err *err);
/* The message a job delivers and its ticket as they are now. DK_NOT_FOUND
 * when either is gone (deleted since). */
DK_MUST_USE enum dk_status
dk_core_outbox_message(struct dk_ctx *ctx, const struct dk_outbox_job *job,
                       struct dk_ticket *ticket, struct dk_message *message,
                       struct dk_err *err);
/* Ends owner's lease of job (see dk_store_outbox_finish). A reply given up
 * (DK_OUTBOX_FAILED) also writes the agents-only event
 * message.delivery_failed {"message_id","attempts","error"} on its ticket,
 * in the same transaction. */
DK_MUST_USE enum dk_status
dk_core_outbox_finish(struct dk_ctx *ctx, const struct dk_outbox_job *job,
                      const char *owner, enum dk_outbox_outcome outcome,
                      int64_t retry_at_ms, const char *error, bool *is_held,
                      struct dk_err *err);

#endif
