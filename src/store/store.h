/* store.h — the public header of src/store: the only place that knows SQL.
 *
 * A store is a connection pool on one database (SQLite now; PostgreSQL
 * through the same struct dk_store_ops later). Work happens in transactions:
 * dk_store_begin → calls → dk_store_commit or dk_store_rollback. Rows read in
 * a transaction are allocated from the arena given to dk_store_begin and live
 * as long as it. Ids and times of 0 mean "none" (times are ms since epoch).
 *
 * Thread rules: a store is shared by all threads; a transaction belongs to
 * the thread that began it. In-process writers are serialised by a mutex, so
 * SQLITE_BUSY only comes from other processes (after a 5 s timeout: DK_BUSY).
 */
#ifndef DOCKET_STORE_STORE_H
#define DOCKET_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct dk_store;
struct dk_tx;

struct dk_store_config {
    const char *sqlite_path; /* the database file (when pg_conninfo is NULL) */
    const char *pg_conninfo; /* PostgreSQL connection string or URI; NULL:
                              * SQLite */
    unsigned n_connections;  /* pool size, at least 2 */
};

/* Opens the database, creates it when missing, applies pending migrations
 * in one transaction. Caller frees *out with dk_store_free.
 * Fails with DK_INTERNAL (unreadable file, failed migration) or DK_BUSY. */
DK_MUST_USE enum dk_status dk_store_open(const struct dk_store_config *config,
                                         struct dk_store **out,
                                         struct dk_err *err);
void dk_store_free(struct dk_store *store);

/* Schema version after migrations (the number of the newest file). */
int dk_store_schema_version(const struct dk_store *store);

/* Id of the newest committed event (0 when none); no transaction needed. */
DK_MUST_USE enum dk_status dk_store_last_event_id(struct dk_store *store,
                                                  int64_t *out);

/* Called with the newest event id when another process or node commits
 * events. Runs on the store's listener thread: must not block. */
typedef void (*dk_store_event_fn)(void *user, int64_t event_id);

/* Starts watching for events committed elsewhere (PostgreSQL: LISTEN on a
 * connection of its own; SQLite: nothing — pollers read the events table).
 * Notifications only hurry readers along: the events table stays the source
 * of truth, so a lost notification delays an event, never loses it.
 * One watcher per store; dk_store_unwatch (or dk_store_free) stops it. */
DK_MUST_USE enum dk_status dk_store_watch(struct dk_store *store,
                                          dk_store_event_fn fn, void *user,
                                          struct dk_err *err);
void dk_store_unwatch(struct dk_store *store);

enum dk_tx_mode { DK_TX_READ, DK_TX_WRITE };

/* Starts a transaction; rows read come from arena. Waits for a free
 * connection; a write transaction also waits for the in-process writer. */
DK_MUST_USE enum dk_status
dk_store_begin(struct dk_store *store, enum dk_tx_mode mode,
               struct dk_arena *arena, struct dk_tx **out, struct dk_err *err);
/* Commits and ends tx (freed even on failure). */
DK_MUST_USE enum dk_status dk_store_commit(struct dk_tx *tx,
                                           struct dk_err *err);
/* Rolls back and ends tx; NULL is a no-op. */
void dk_store_rollback(struct dk_tx *tx);

/* ---- shared row pieces ---- */

struct dk_ref { /* a user or group as shown on other objects */
    int64_t id;
    const char *name;
};

struct dk_strs {
    const char **items;
    size_t n_items;
};

struct dk_ids {
    int64_t *items;
    size_t n_items;
};

/* One page of a list kept in one fixed order (statuses, priorities, groups,
 * tokens): keyset pagination like every list, no filters, no sort. */
struct dk_page_query {
    const char *cursor; /* from the previous page; NULL: the first */
    unsigned limit;     /* 1..DK_MAX_LIST_LIMIT */
};

/* ---- users ---- */

struct dk_user {
    int64_t id;
    const char *kind; /* "agent" | "customer" */
    const char *role;
    const char *name;
    const char *email;
    const char *password_hash; /* NULL: cannot sign in with a password */
    bool is_disabled;
    const char *availability; /* "online" | "away" | "offline" */
    bool has_capacity;
    int64_t capacity;
    struct dk_strs skills;
    struct dk_ids groups;
    int64_t organization_id;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/* Inserts u (id ignored); *id_out gets the new id. DK_CONFLICT when the
 * email is taken (compared lower-cased). */
DK_MUST_USE enum dk_status dk_store_user_insert(struct dk_tx *tx,
                                                const struct dk_user *u,
                                                int64_t *id_out,
                                                struct dk_err *err);
/* Writes every column of u by id. DK_CONFLICT on a taken email. */
DK_MUST_USE enum dk_status dk_store_user_update(struct dk_tx *tx,
                                                const struct dk_user *u,
                                                struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_user_get(struct dk_tx *tx, int64_t id,
                                             struct dk_user *out,
                                             struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_user_get_by_email(struct dk_tx *tx,
                                                      const char *email,
                                                      struct dk_user *out,
                                                      struct dk_err *err);

enum dk_user_sort {
    DK_USER_SORT_ID,
    DK_USER_SORT_NAME,
    DK_USER_SORT_EMAIL,
    DK_USER_SORT_CREATED_AT
};

struct dk_user_query {
    const char *kind;   /* NULL: any */
    const char *role;   /* NULL: any */
    const char *prefix; /* name or email prefix; NULL: any */
    int disabled;       /* -1 any, 0 enabled, 1 disabled */
    enum dk_user_sort sort;
    bool is_descending;
    const char *cursor; /* NULL: first page */
    unsigned limit;
};

struct dk_user_page {
    struct dk_user *items;
    size_t n_items;
    int64_t total;
    const char *next_cursor; /* NULL at the end */
};

DK_MUST_USE enum dk_status dk_store_user_list(struct dk_tx *tx,
                                              const struct dk_user_query *q,
                                              struct dk_user_page *out,
                                              struct dk_err *err);

/* Number of users (any kind); for first-start seeding. */
DK_MUST_USE enum dk_status dk_store_user_count(struct dk_tx *tx, int64_t *out,
                                               struct dk_err *err);

/* ---- sessions and API tokens (hashes are lower-case hex SHA-256) ---- */

struct dk_session {
    int64_t id;
    int64_t user_id;
    const char *csrf_token;
    int64_t expires_at_ms;
};

DK_MUST_USE enum dk_status dk_store_session_insert(struct dk_tx *tx,
                                                   const char *token_hash,
                                                   const struct dk_session *s,
                                                   struct dk_err *err);
/* DK_NOT_FOUND when absent or expired at now_ms. */
DK_MUST_USE enum dk_status
dk_store_session_get(struct dk_tx *tx, const char *token_hash, int64_t now_ms,
                     struct dk_session *out, struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_session_delete(struct dk_tx *tx, int64_t id,
                                                   struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_session_delete_user(struct dk_tx *tx,
                                                        int64_t user_id,
                                                        struct dk_err *err);

struct dk_token {
    int64_t id;
    int64_t user_id;
    const char *name;
    int64_t created_at_ms;
    int64_t last_used_at_ms;
    int64_t revoked_at_ms;
};

DK_MUST_USE enum dk_status dk_store_token_insert(struct dk_tx *tx,
                                                 const char *token_hash,
                                                 const struct dk_token *t,
                                                 int64_t *id_out,
                                                 struct dk_err *err);
/* A live (not revoked) token by hash; DK_NOT_FOUND otherwise. */
DK_MUST_USE enum dk_status dk_store_token_get_by_hash(struct dk_tx *tx,
                                                      const char *token_hash,
                                                      struct dk_token *out,
                                                      struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_token_get(struct dk_tx *tx, int64_t id,
                                              struct dk_token *out,
                                              struct dk_err *err);
struct dk_token_page {
    struct dk_token *items;
    size_t n_items;
    int64_t total;           /* live tokens of the user */
    const char *next_cursor; /* NULL at the end */
};

/* One page of the live tokens of user_id, newest first. DK_INVALID (field
 * "cursor") for a cursor of another list. */
DK_MUST_USE enum dk_status dk_store_token_page(struct dk_tx *tx,
                                               int64_t user_id,
                                               const struct dk_page_query *pq,
                                               struct dk_token_page *out,
                                               struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_token_revoke(struct dk_tx *tx, int64_t id,
                                                 int64_t now_ms,
                                                 struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_token_revoke_user(struct dk_tx *tx,
                                                      int64_t user_id,
                                                      int64_t now_ms,
                                                      struct dk_err *err);

/* ---- statuses and priorities (one shape: category is NULL for
 * priorities) ---- */

enum dk_enum_table { DK_ENUM_STATUS, DK_ENUM_PRIORITY };

struct dk_enum_value {
    int64_t id;
    const char *key;
    const char *name;
    const char *category; /* statuses only */
    int64_t position;
    bool is_retired;
};

/* All rows of table in position order. */
DK_MUST_USE enum dk_status dk_store_enum_list(struct dk_tx *tx,
                                              enum dk_enum_table table,
                                              struct dk_enum_value **items,
                                              size_t *n_items,
                                              struct dk_err *err);

struct dk_enum_page {
    struct dk_enum_value *items;
    size_t n_items;
    int64_t total;           /* rows of the table, retired included */
    const char *next_cursor; /* NULL at the end */
};

/* One page of table in position order (then id). DK_INVALID (field
 * "cursor") for a cursor of another list. */
DK_MUST_USE enum dk_status dk_store_enum_page(struct dk_tx *tx,
                                              enum dk_enum_table table,
                                              const struct dk_page_query *pq,
                                              struct dk_enum_page *out,
                                              struct dk_err *err);
DK_MUST_USE enum dk_status
dk_store_enum_get(struct dk_tx *tx, enum dk_enum_table table, const char *key,
                  struct dk_enum_value *out, struct dk_err *err);
/* Inserts v (id ignored) at v->position, shifting the others down.
 * DK_CONFLICT when the key is taken. */
DK_MUST_USE enum dk_status dk_store_enum_insert(struct dk_tx *tx,
                                                enum dk_enum_table table,
                                                const struct dk_enum_value *v,
                                                struct dk_err *err);
/* Writes name, category, retired; moves to v->position, shifting others. */
DK_MUST_USE enum dk_status dk_store_enum_update(struct dk_tx *tx,
                                                enum dk_enum_table table,
                                                const struct dk_enum_value *v,
                                                struct dk_err *err);

/* ---- groups ---- */

struct dk_group {
    int64_t id;
    const char *name;
    const char *assignment; /* "manual" | "round_robin" | … */
    struct dk_ids members;  /* user ids, ascending */
    int64_t created_at_ms;
};

/* The group's id and name; DK_NOT_FOUND (field "group_id") when absent. */
DK_MUST_USE enum dk_status dk_store_group_get(struct dk_tx *tx, int64_t id,
                                              struct dk_ref *out,
                                              struct dk_err *err);
/* The whole group with its members. */
DK_MUST_USE enum dk_status dk_store_group_read(struct dk_tx *tx, int64_t id,
                                               struct dk_group *out,
                                               struct dk_err *err);
struct dk_group_page {
    struct dk_group *items;
    size_t n_items;
    int64_t total;
    const char *next_cursor; /* NULL at the end */
};

/* One page of the groups by name (then id), with their members.
 * DK_INVALID (field "cursor") for a cursor of another list. */
DK_MUST_USE enum dk_status dk_store_group_page(struct dk_tx *tx,
                                               const struct dk_page_query *pq,
                                               struct dk_group_page *out,
                                               struct dk_err *err);
/* Inserts g (id ignored) with its members. DK_CONFLICT on a taken name. */
DK_MUST_USE enum dk_status dk_store_group_insert(struct dk_tx *tx,
                                                 const struct dk_group *g,
                                                 int64_t *id_out,
                                                 struct dk_err *err);
/* Writes name, assignment and the member set of g->id. */
DK_MUST_USE enum dk_status dk_store_group_update(struct dk_tx *tx,
                                                 const struct dk_group *g,
                                                 struct dk_err *err);
/* Deletes the group; its tickets keep no group. */
DK_MUST_USE enum dk_status dk_store_group_delete(struct dk_tx *tx, int64_t id,
                                                 struct dk_err *err);

/* ---- tickets ---- */

struct dk_ticket {
    int64_t id;
    int64_t number;
    const char *subject;
    const char *description;
    const char *status; /* key */
    const char *status_category;
    const char *priority;    /* key */
    int64_t status_position; /* sort keys, read-only */
    int64_t priority_position;
    struct dk_ref assignee; /* id 0: none */
    struct dk_ref group;    /* id 0: none */
    struct dk_ref requester;
    const char *requester_email;
    int64_t deadline_ms; /* 0: none */
    const char *channel;
    struct dk_strs tags; /* sorted */
    struct dk_ref *followers;
    size_t n_followers;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t first_response_at_ms;
    int64_t resolved_at_ms;
    int64_t closed_at_ms;
    int64_t last_event_id;
    bool is_unread; /* for the reader given to the read call */
};

/* Takes the next ticket number (sequential, never reused). */
DK_MUST_USE enum dk_status
dk_store_ticket_next_number(struct dk_tx *tx, int64_t *out, struct dk_err *err);
/* Inserts t's scalar columns; status and priority by key. *id_out: new id. */
DK_MUST_USE enum dk_status dk_store_ticket_insert(struct dk_tx *tx,
                                                  const struct dk_ticket *t,
                                                  int64_t *id_out,
                                                  struct dk_err *err);
/* Writes t's scalar columns by t->id. */
DK_MUST_USE enum dk_status dk_store_ticket_update(struct dk_tx *tx,
                                                  const struct dk_ticket *t,
                                                  struct dk_err *err);
/* Replaces the tag set and the follower set. */
DK_MUST_USE enum dk_status dk_store_ticket_set_tags(struct dk_tx *tx,
                                                    int64_t ticket_id,
                                                    const struct dk_strs *tags,
                                                    struct dk_err *err);
DK_MUST_USE enum dk_status
dk_store_ticket_set_followers(struct dk_tx *tx, int64_t ticket_id,
                              const struct dk_ids *user_ids,
                              struct dk_err *err);
/* Records the newest event of a ticket (drives unread). */
DK_MUST_USE enum dk_status
dk_store_ticket_touch(struct dk_tx *tx, int64_t ticket_id, int64_t event_id,
                      int64_t updated_at_ms, struct dk_err *err);
/* Reads a whole ticket; is_unread is computed for reader_id (0: false).
 * DK_NOT_FOUND when absent. */
DK_MUST_USE enum dk_status dk_store_ticket_get(struct dk_tx *tx, int64_t number,
                                               int64_t reader_id,
                                               struct dk_ticket *out,
                                               struct dk_err *err);
DK_MUST_USE enum dk_status
dk_store_ticket_delete(struct dk_tx *tx, int64_t ticket_id, struct dk_err *err);
/* Marks the ticket read for user_id up to event_id. */
DK_MUST_USE enum dk_status
dk_store_ticket_mark_read(struct dk_tx *tx, int64_t user_id, int64_t ticket_id,
                          int64_t event_id, struct dk_err *err);

enum dk_ticket_sort {
    DK_TICKET_SORT_NUMBER,
    DK_TICKET_SORT_STATUS,
    DK_TICKET_SORT_SUBJECT,
    DK_TICKET_SORT_PRIORITY,
    DK_TICKET_SORT_CREATED_AT,
    DK_TICKET_SORT_UPDATED_AT,
    DK_TICKET_SORT_DEADLINE,
    DK_TICKET_SORT_COUNT
};

struct dk_sort_key {
    enum dk_ticket_sort field;
    bool is_descending;
};

enum { DK_MAX_SORT_KEYS = 7 };

struct dk_ticket_query {
    int64_t reader_id;          /* for unread; 0: none */
    int64_t scope_requester_id; /* customers: only these tickets; 0: all */
    struct dk_strs statuses;    /* keys; empty: any */
    struct dk_strs priorities;
    bool has_assignee; /* filter on assignee_id (0: unassigned) */
    int64_t assignee_id;
    bool has_group;
    int64_t group_id;     /* 0: no group */
    int64_t requester_id; /* 0: any */
    struct dk_strs channels;
    struct dk_strs tags;      /* all must be present */
    int64_t created_after_ms; /* 0: none */
    int64_t created_before_ms;
    int64_t deadline_before_ms;
    bool is_unread_only;     /* needs reader_id */
    const char *search;      /* the user's words; NULL: no text search */
    bool is_internal_hidden; /* search skips notes (customers) */
    int64_t number_match;    /* with search: also this number; 0 none */
    struct dk_sort_key sort[DK_MAX_SORT_KEYS];
    size_t n_sort;      /* number is appended as the final key */
    const char *cursor; /* NULL: first page */
    unsigned limit;
};

struct dk_ticket_page {
    struct dk_ticket *items;
    size_t n_items;
    int64_t total;
    const char *next_cursor;
};

/* One page of tickets. DK_INVALID (field "cursor") for a cursor that does not
 * belong to this sort order or is damaged. */
DK_MUST_USE enum dk_status dk_store_ticket_list(struct dk_tx *tx,
                                                const struct dk_ticket_query *q,
                                                struct dk_ticket_page *out,
                                                struct dk_err *err);

/* ---- messages ---- */

struct dk_attachment {
    int64_t id;
    const char *sha256;
    const char *name;
    const char *type;
    int64_t size;
    int64_t uploaded_by;
    int64_t message_id;
    int64_t ticket_number;    /* of its message; 0 while unattached */
    const char *message_kind; /* of its message; NULL while unattached */
    int64_t created_at_ms;
};

/* Where the delivery of a message stands (the outbox job of a reply). */
struct dk_delivery {
    const char *state; /* "pending" | "sent" | "failed"; NULL: no job */
    int64_t attempts;
    int64_t next_attempt_at_ms; /* pending only */
    int64_t done_at_ms;         /* sent or failed */
    const char *last_error;     /* NULL: none */
};

struct dk_message {
    int64_t id;
    int64_t ticket_id;
    int64_t ticket_number;
    const char *kind;     /* "inbound" | "reply" | "note" */
    struct dk_ref author; /* id 0: none (system) */
    const char *body;
    struct dk_attachment *attachments;
    size_t n_attachments;
    int64_t created_at_ms;
    struct dk_delivery delivery; /* replies sent by email */
};

DK_MUST_USE enum dk_status dk_store_message_insert(struct dk_tx *tx,
                                                   const struct dk_message *m,
                                                   int64_t *id_out,
                                                   struct dk_err *err);
/* One page of a ticket's thread or history, oldest first. The caller (core)
 * decides what the reader may see and says so with the two filters. */
struct dk_thread_query {
    int64_t ticket_id;
    bool is_internal_hidden;    /* without notes and internal events */
    int64_t scope_requester_id; /* events of this requester only; 0: all */
    const char *cursor;         /* NULL: first page */
    unsigned limit;             /* 1..DK_MAX_LIST_LIMIT */
};

struct dk_message_page {
    struct dk_message *items;
    size_t n_items;
    int64_t total;           /* of the whole thread the reader may see */
    const char *next_cursor; /* NULL at the end */
};

/* One page of the thread (scope_requester_id is not used: a message has no
 * requester). DK_INVALID (field "cursor") for a cursor of another list. */
DK_MUST_USE enum dk_status
dk_store_message_page(struct dk_tx *tx, const struct dk_thread_query *tq,
                      struct dk_message_page *out, struct dk_err *err);
/* One message with its attachments; DK_NOT_FOUND when there is none. */
DK_MUST_USE enum dk_status dk_store_message_get(struct dk_tx *tx, int64_t id,
                                                struct dk_message *out,
                                                struct dk_err *err);

/* ---- attachments ---- */

/* Stores the bytes once per SHA-256 and inserts the attachment row. */
DK_MUST_USE enum dk_status
dk_store_attachment_insert(struct dk_tx *tx, const struct dk_attachment *a,
                           const void *data, int64_t *id_out,
                           struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_attachment_get(struct dk_tx *tx, int64_t id,
                                                   struct dk_attachment *out,
                                                   struct dk_err *err);
/* The bytes of sha256, copied into the transaction's arena. */
DK_MUST_USE enum dk_status dk_store_blob_get(struct dk_tx *tx,
                                             const char *sha256,
                                             const void **data, size_t *len,
                                             struct dk_err *err);
DK_MUST_USE enum dk_status dk_store_attachment_link(struct dk_tx *tx,
                                                    int64_t id,
                                                    int64_t message_id,
                                                    struct dk_err *err);

/* ---- moving an installation ---- */

struct dk_store_copy_table {
    const char *name;
    int64_t n_rows;
    uint64_t checksum; /* FNV-1a over every value, in primary-key order */
};

struct dk_store_copy_report {
    struct dk_store_copy_table tables[32];
    size_t n_tables;
};

/* Copies every row of every table of from into to (both open, so both at
 * the newest schema), ids kept, in one transaction on to; then reads both
 * back and compares row counts and checksums per table, filling report.
 * DK_CONFLICT when to already holds users or tickets; DK_INTERNAL when a
 * table differs after the copy. */
DK_MUST_USE enum dk_status dk_store_copy(struct dk_store *from,
                                         struct dk_store *to,
                                         struct dk_store_copy_report *report,
                                         struct dk_err *err);

/* ---- events and outbox ---- */

struct dk_event {
    int64_t id;
    int64_t at_ms;
    struct dk_ref actor; /* id 0: system */
    const char *type;    /* "ticket.created", … */
    int64_t ticket_id;
    int64_t ticket_number;
    int64_t requester_id; /* who may see it besides agents */
    bool is_internal;     /* agents only */
    const char *data;     /* JSON object text */
};

DK_MUST_USE enum dk_status dk_store_event_insert(struct dk_tx *tx,
                                                 const struct dk_event *e,
                                                 int64_t *id_out,
                                                 struct dk_err *err);
struct dk_event_page {
    struct dk_event *items;
    size_t n_items;
    int64_t total;           /* of the whole history the reader may see */
    const char *next_cursor; /* NULL at the end */
};

/* One page of a ticket's history. DK_INVALID (field "cursor") for a cursor
 * of another list. */
DK_MUST_USE enum dk_status dk_store_event_page(struct dk_tx *tx,
                                               const struct dk_thread_query *tq,
                                               struct dk_event_page *out,
                                               struct dk_err *err);
/* Up to limit events with id > after_id, oldest first. */
DK_MUST_USE enum dk_status
dk_store_event_list_after(struct dk_tx *tx, int64_t after_id, unsigned limit,
                          struct dk_event **items, size_t *n_items,
                          struct dk_err *err);

/* ---- the outbox: work for after commit, done by src/jobs/ ---- */

struct dk_outbox_item {
    int64_t event_id;
    int64_t message_id;  /* the message it delivers; 0: none */
    const char *kind;    /* "email.reply", … */
    const char *payload; /* JSON object text */
};

DK_MUST_USE enum dk_status
dk_store_outbox_insert(struct dk_tx *tx, const struct dk_outbox_item *item,
                       struct dk_err *err);

/* A job leased to one node: the lease ends at lease_until_ms, after which
 * any node may take it again. */
struct dk_outbox_job {
    int64_t id;
    int64_t event_id;
    int64_t message_id; /* 0: none */
    const char *kind;
    const char *payload;
    int64_t attempts; /* this one included */
    int64_t lease_until_ms;
};

/* Whether a job of kind is due at now_ms (a read; no lease taken). */
DK_MUST_USE enum dk_status dk_store_outbox_is_due(struct dk_tx *tx,
                                                  const char *kind,
                                                  int64_t now_ms, bool *out,
                                                  struct dk_err *err);
/* Leases up to limit due jobs of kind, oldest due first, to owner until
 * now_ms + lease_ms, counting an attempt each; jobs another transaction is
 * claiming are passed over. Write transaction; items in tx's arena. */
DK_MUST_USE enum dk_status
dk_store_outbox_claim(struct dk_tx *tx, const char *kind, const char *owner,
                      int64_t now_ms, int64_t lease_ms, unsigned limit,
                      struct dk_outbox_job **items, size_t *n_items,
                      struct dk_err *err);

enum dk_outbox_outcome {
    DK_OUTBOX_SENT,    /* done */
    DK_OUTBOX_RETRY,   /* due again at the given time */
    DK_OUTBOX_FAILED,  /* given up */
    DK_OUTBOX_RELEASE, /* not tried (stopping): due now, attempt not counted */
};

/* Ends owner's lease of job with outcome (error: why it failed, NULL for
 * none; retry_at_ms for DK_OUTBOX_RETRY). *is_held is false, and nothing
 * changes, when the lease was no longer owner's (it ran out and another
 * node took the job). */
DK_MUST_USE enum dk_status
dk_store_outbox_finish(struct dk_tx *tx, const struct dk_outbox_job *job,
                       const char *owner, enum dk_outbox_outcome outcome,
                       int64_t retry_at_ms, const char *error, bool *is_held,
                       struct dk_err *err);

#endif
