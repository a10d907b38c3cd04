/* internal.h — what only src/store/ files share: the backend function table,
 * the statement helpers the query files use, and the transaction layout.
 * Included from src/store/ only. */
#ifndef DOCKET_STORE_INTERNAL_H
#define DOCKET_STORE_INTERNAL_H

#include <pthread.h>

#include "store/store.h"

struct db_conn;
struct db_stmt;

/* A file embedded at build time (scripts/embed.py). */
struct dk_embedded {
    const char *path;
    const unsigned char *data;
    size_t len;
};

/* Everything that differs between backends. SQL text is written once with
 * '?' placeholders; a backend that needs '$n' rewrites it in prepare. */
struct dk_store_ops {
    const char *name;
    DK_MUST_USE enum dk_status (*connect)(const struct dk_store_config *config,
                                          struct db_conn **out,
                                          struct dk_err *err);
    void (*disconnect)(struct db_conn *conn);
    /* Runs one or more statements without results (DDL, BEGIN, COMMIT). */
    DK_MUST_USE enum dk_status (*exec)(struct db_conn *conn, const char *sql,
                                       struct dk_err *err);
    /* is_static: sql is a static string, so the prepared statement is kept
     * in the connection's cache keyed by its address. */
    DK_MUST_USE enum dk_status (*prepare)(struct db_conn *conn, const char *sql,
                                          bool is_static, struct db_stmt **out,
                                          struct dk_err *err);
    void (*bind_i64)(struct db_stmt *st, int idx, int64_t v);
    void (*bind_text)(struct db_stmt *st, int idx, const char *ptr, size_t len);
    void (*bind_blob)(struct db_stmt *st, int idx, const void *ptr, size_t len);
    void (*bind_null)(struct db_stmt *st, int idx);
    /* *has_row: a row is ready. DK_CONFLICT on a unique violation. */
    DK_MUST_USE enum dk_status (*step)(struct db_stmt *st, bool *has_row,
                                       struct dk_err *err);
    int64_t (*col_i64)(struct db_stmt *st, int col);
    bool (*col_is_null)(struct db_stmt *st, int col);
    /* Borrowed until the next step. */
    const char *(*col_text)(struct db_stmt *st, int col, size_t *len);
    const void *(*col_blob)(struct db_stmt *st, int col, size_t *len);
    /* Ends use of st: a cached one is reset, a dynamic one finalised. */
    void (*finish)(struct db_stmt *st);
    /* Rows changed by the last statement. */
    int64_t (*changes)(struct db_conn *conn);
    /* Statements that open a read and a write transaction. */
    const char *begin_read_sql;
    const char *begin_write_sql;
    /* Full-text search over one document per ticket (subject,
     * description, public messages, notes): the SQL that takes the
     * expression of store_search_expression, each piece with one '?' for
     * it (the backend's function makes it a query: SQLite's
     * docket_fts_query, PostgreSQL's docket_tsquery):
     * - fts_ids_sql: SELECT of the ids of the matching tickets, and
     *   fts_id_column, that id as a condition after it may name it;
     * - fts_has_sql: a condition on the ticket row "t" that holds when its
     *   document matches, for rows some other index found (never the
     *   driver: the view leads, or the sort's index is walked);
     * - the newest-first walk over the search index itself, joining ticket
     *   rows only as far as the page goes (shared/MEASURED.md): a FROM
     *   clause that names the ticket row "t", its condition, and the key it
     *   is walked by (the ticket id: ids and numbers grow together). */
    const char *fts_ids_sql;
    const char *fts_id_column;
    const char *fts_has_sql;
    const char *fts_newest_from;
    const char *fts_newest_match;
    const char *fts_newest_key;
    /* The same key written so that no index walks it, for matches too few
     * for a walk to find a page soon (walks_sort_index's rule): the
     * matches are found and sorted. NULL: the walk is always right (FTS5
     * walks the matches themselves). */
    const char *fts_newest_sparse_key;
    /* Ends a SELECT whose rows the transaction will update: locks them,
     * passing over rows another transaction holds ("" when the backend's
     * writers are serialised anyway). */
    const char *lock_skip_locked;
    /* Runs in every write transaction just before COMMIT: brings the
     * full-text index up to the rows the transaction wrote. NULL when the
     * index follows each row by itself (PostgreSQL's ticket_search, kept by
     * triggers). */
    DK_MUST_USE enum dk_status (*index_pending)(struct db_conn *conn,
                                                struct dk_err *err);
    /* Runs after the migrations, in their transaction: brings derived data
     * up to what this binary computes (SQLite: the search index, when the
     * stemmers changed). NULL: nothing to check. */
    DK_MUST_USE enum dk_status (*check_index)(struct db_conn *conn,
                                              struct dk_err *err);
    /* The backend's schema migrations, in order, ending with a NULL path. */
    const struct dk_embedded *migrations;
    /* Announces event_id to other nodes when the transaction commits;
     * NULL when the backend has no notifications. */
    DK_MUST_USE enum dk_status (*announce)(struct db_conn *conn,
                                           int64_t event_id,
                                           struct dk_err *err);
    /* After rows were inserted with explicit ids: the next generated id of
     * table follows its largest one. NULL when ids need no such care. */
    DK_MUST_USE enum dk_status (*reset_identity)(struct db_conn *conn,
                                                 const char *table,
                                                 struct dk_err *err);
    /* Starts and stops the watcher of dk_store_watch; NULL: none. */
    DK_MUST_USE enum dk_status (*watch)(const struct dk_store_config *config,
                                        dk_store_event_fn fn, void *user,
                                        void **handle, struct dk_err *err);
    void (*unwatch)(void *handle);
};

extern const struct dk_store_ops dk_store_sqlite_ops;
extern const struct dk_store_ops dk_store_pg_ops;

/* Registers the FTS5 tokenizer "docket" and the function
 * docket_search_has (sqlite_search.c) on a SQLite connection, before
 * anything reads ticket_search. Returns an SQLite result code. */
struct sqlite3;
int sqlite_search_register(struct sqlite3 *db);
/* A hash of what the tokenizer's stemmers make of sample words: when it
 * changes, the index must be built again (sqlite.c, check_index). */
uint64_t sqlite_search_fingerprint(void);

struct dk_store {
    const struct dk_store_ops *ops;
    struct dk_store_config config;
    char *target;           /* owned copy of the path or conninfo */
    struct db_conn **conns; /* the pool */
    bool *is_busy;          /* per conn: checked out */
    unsigned n_conns;
    pthread_mutex_t pool_lock; /* guards is_busy */
    pthread_cond_t pool_free;
    pthread_mutex_t writer_lock; /* one in-process writer at a time */
    /* Group commit (batch.c). Guarded by writer_lock: */
    bool is_batch_open;          /* a transaction collects writers */
    unsigned batch_conn_index;   /* its connection */
    size_t batch_size;           /* writers released into it */
    int64_t batch_opened_ms;     /* monotonic */
    struct batch_member *parked; /* writers waiting for its commit */
    /* Guarded by batch_lock: */
    pthread_mutex_t batch_lock;
    pthread_cond_t batch_done;  /* a batch ended: parked writers wake */
    unsigned n_writers_waiting; /* writers waiting for writer_lock */
    int schema_version;
    void *watcher; /* from ops->watch; NULL: none */
};

/* A writer whose changes are in the open batch, waiting for its commit. */
struct batch_member {
    struct batch_member *next;
    bool is_done; /* guarded by batch_lock */
    enum dk_status status;
    struct dk_err err;
};

struct dk_tx {
    struct dk_store *store;
    struct db_conn *conn;
    unsigned conn_index;
    struct dk_arena *arena;
    bool is_write;
    int64_t last_event_id; /* newest event written; 0: none */
};

/* Group commit (batch.c): write transactions are savepoints inside one
 * shared transaction, committed (one fsync) when no other writer is waiting
 * to join, when the batch is large, or when it has been open for a few
 * milliseconds. A writer's commit returns only once its batch is durable,
 * so a 2xx still means "on disk". */
DK_MUST_USE enum dk_status store_write_begin(struct dk_tx *tx,
                                             struct dk_err *err);
DK_MUST_USE enum dk_status store_write_commit(struct dk_tx *tx,
                                              struct dk_err *err);
void store_write_rollback(struct dk_tx *tx);
/* Connection pool (db.c). */
unsigned store_checkout(struct dk_store *store);
void store_checkin(struct dk_store *store, unsigned index);

/* A statement in use: the query files' helpers below bind by position and
 * read columns into the transaction's arena. */
struct q {
    struct dk_tx *tx;
    struct db_stmt *st;
    int next_bind; /* 1-based */
};

DK_MUST_USE enum dk_status q_open(struct q *q, struct dk_tx *tx,
                                  const char *sql, struct dk_err *err);
/* For SQL built at run time (list queries): not cached. */
DK_MUST_USE enum dk_status q_open_dynamic(struct q *q, struct dk_tx *tx,
                                          const char *sql, struct dk_err *err);
void q_i64(struct q *q, int64_t v);
void q_i64_or_null(struct q *q, int64_t v); /* 0 binds NULL */
void q_text(struct q *q, const char *s);    /* NULL binds NULL */
void q_blob(struct q *q, const void *ptr, size_t len);
DK_MUST_USE enum dk_status q_step(struct q *q, bool *has_row,
                                  struct dk_err *err);
/* Steps once: true when a row is ready; false at the end or on failure,
 * with *status telling which. For `while (q_next(&q, &s, err)) { … }`. */
bool q_next(struct q *q, enum dk_status *status, struct dk_err *err);
/* Steps a statement expected to return no rows, then closes it. */
DK_MUST_USE enum dk_status q_exec(struct q *q, struct dk_err *err);
int64_t q_col_i64(struct q *q, int col); /* NULL reads as 0 */
bool q_col_bool(struct q *q, int col);
const char *q_col_text(struct q *q, int col); /* arena copy; NULL for NULL */
void q_close(struct q *q);

/* SQL built at run time together with its bound values, so that the text and
 * the bindings cannot drift apart. Values are copied into the arena. */
struct sqlb_value {
    bool is_text;
    int64_t i64;
    const char *text;
};

struct sqlb {
    struct dk_buf sql;
    struct sqlb_value *values;
    size_t n_values;
    size_t cap_values;
    struct dk_arena *arena;
    const struct dk_store_ops *ops; /* for backend fragments */
};

/* Starts an empty query for tx (its arena and backend). */
void sqlb_init(struct sqlb *b, struct dk_tx *tx);
void sqlb_sql(struct sqlb *b, const char *text);
void sqlb_i64(struct sqlb *b, int64_t v);      /* appends a value, no text */
void sqlb_text(struct sqlb *b, const char *v); /* NULL binds NULL */
/* Appends " IN (?, ?, …)" with the items bound. */
void sqlb_in(struct sqlb *b, const struct dk_strs *items);
/* Appends " IN (?, ?, …)" with the integers bound; n_items > 0. */
void sqlb_in_i64(struct sqlb *b, const int64_t *items, size_t n_items);
/* Prepares the statement (not cached) and binds every value. */
DK_MUST_USE enum dk_status sqlb_open(struct sqlb *b, struct q *q,
                                     struct dk_tx *tx, struct dk_err *err);

/* Moves *rest past blanks and the next word (anything up to a blank),
 * returned in *word; false when no word is left. */
bool store_next_word(struct dk_str *rest, struct dk_str *word);
/* Does a search word end in '*' (a prefix: `print*` finds `printer`)?
 * Takes the stars off *word. */
bool store_word_take_prefix(struct dk_str *word);
/* The expression of a search for the backends' query functions:
 * "WEIGHTS:WORDS", WORDS the user's words one space apart, WEIGHTS "ABC"
 * when is_internal_hidden (the parts but the notes: 0008) or empty. Each
 * word is made tokens by the index's own tokenizer (parser, folding,
 * stems), every token required, the last of a word ending in '*' a
 * prefix. NULL when the words hold no letter or digit. Arena-owned. */
const char *store_search_expression(struct dk_arena *arena, const char *words,
                                    bool is_internal_hidden);

/* Fails with DK_INTERNAL, logging the backend's message (never shown). */
enum dk_status store_internal(struct dk_err *err, const char *what,
                              const char *detail);

/* Splits a newline-separated list into the arena. */
struct dk_strs store_split_lines(struct dk_arena *arena, const char *text);

/* Opaque cursors: a version byte, a signature of the sort order and the
 * last row's key values, base64url-encoded. */
const char *store_cursor_encode(struct dk_arena *arena, uint32_t signature,
                                const char **values, size_t n_values);
DK_MUST_USE enum dk_status
store_cursor_decode(struct dk_arena *arena, const char *cursor,
                    uint32_t signature, const char **values, size_t n_values,
                    struct dk_err *err);
/* The cursor of a list kept in id order: one value, the last id shown.
 * Decoding fails with DK_INVALID (field "cursor") like any bad cursor. */
const char *store_id_cursor_encode(struct dk_arena *arena, uint32_t signature,
                                   int64_t id);
DK_MUST_USE enum dk_status
store_id_cursor_decode(struct dk_arena *arena, const char *cursor,
                       uint32_t signature, int64_t *id, struct dk_err *err);
/* The cursor of a list kept in (key, id) order: the last row's key (text)
 * and id. Decoding fails like any bad cursor; *key is arena-owned. */
const char *store_key_cursor_encode(struct dk_arena *arena, uint32_t signature,
                                    const char *key, int64_t id);
DK_MUST_USE enum dk_status
store_key_cursor_decode(struct dk_arena *arena, const char *cursor,
                        uint32_t signature, const char **key, int64_t *id,
                        struct dk_err *err);
/* The one-row, one-column answer of a COUNT(*) with one id bound (id_param
 * 0: nothing bound). */
DK_MUST_USE enum dk_status store_count(struct dk_tx *tx, const char *sql,
                                       int64_t id_param, int64_t *out,
                                       struct dk_err *err);

/* Migrations of each backend, in order (generated by scripts/embed.py). */
extern const struct dk_embedded dk_sqlite_migrations[];
extern const struct dk_embedded dk_pg_migrations[];

#endif
