/* sqlite.c — the SQLite backend of struct dk_store_ops.
 *
 * One db_conn per pooled connection, in WAL mode with synchronous=FULL
 * (a 2xx is on disk: shared/MEASURED.md). Prepared statements of static SQL
 * are cached per connection by the SQL's address. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/internal.h"

enum { CACHE_SLOTS = 256 };

struct db_stmt {
    sqlite3_stmt *raw;
    struct db_conn *conn;
    bool is_cached;
};

struct cache_slot {
    const char *sql; /* address of the static SQL */
    struct db_stmt stmt;
};

struct db_conn {
    sqlite3 *db;
    struct cache_slot cache[CACHE_SLOTS];
};

static enum dk_status fail_sqlite(struct db_conn *conn, struct dk_err *err,
                                  const char *what)
{
    int code = sqlite3_extended_errcode(conn->db);
    if (code == SQLITE_BUSY || (code & 0xff) == SQLITE_BUSY ||
        (code & 0xff) == SQLITE_LOCKED) {
        return dk_fail(err, DK_BUSY, NULL, "the database is busy, try again");
    }
    if ((code & 0xff) == SQLITE_CONSTRAINT &&
        (code == SQLITE_CONSTRAINT_UNIQUE ||
         code == SQLITE_CONSTRAINT_PRIMARYKEY)) {
        return dk_fail(err, DK_CONFLICT, NULL, "already exists");
    }
    return store_internal(err, what, sqlite3_errmsg(conn->db));
}

static enum dk_status sqlite_connect(const struct dk_store_config *config,
                                     struct db_conn **out, struct dk_err *err)
{
    struct db_conn *conn = dk_xcalloc(1, sizeof(*conn));
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(config->sqlite_path, &conn->db, flags, NULL) !=
        SQLITE_OK) {
        enum dk_status s =
            store_internal(err, "open database", sqlite3_errmsg(conn->db));
        sqlite3_close(conn->db);
        free(conn);
        return s;
    }
    sqlite3_extended_result_codes(conn->db, 1);
    sqlite3_busy_timeout(conn->db, 5000);
    static const char pragmas[] = "PRAGMA journal_mode=WAL;"
                                  "PRAGMA synchronous=FULL;"
                                  "PRAGMA foreign_keys=ON;"
                                  "PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    if (sqlite3_exec(conn->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        enum dk_status s =
            store_internal(err, "configure database", msg ? msg : "unknown");
        sqlite3_free(msg);
        sqlite3_close(conn->db);
        free(conn);
        return s;
    }
    if (sqlite_search_register(conn->db) != SQLITE_OK) {
        enum dk_status s = store_internal(err, "register the search tokenizer",
                                          sqlite3_errmsg(conn->db));
        sqlite3_close(conn->db);
        free(conn);
        return s;
    }
    *out = conn;
    return DK_OK;
}

static void sqlite_disconnect(struct db_conn *conn)
{
    if (!conn) {
        return;
    }
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        sqlite3_finalize(conn->cache[i].stmt.raw);
    }
    sqlite3_close(conn->db);
    free(conn);
}

static enum dk_status sqlite_prepare(struct db_conn *conn, const char *sql,
                                     bool is_static, struct db_stmt **out,
                                     struct dk_err *err);
static enum dk_status sqlite_step(struct db_stmt *st, bool *has_row,
                                  struct dk_err *err);
static void sqlite_finish(struct db_stmt *st);

/* Transaction control runs several times per request, and sqlite3_exec
 * parses its text every time (a tenth of the instructions of a GET): these
 * statements are prepared once per connection. They are matched by text,
 * since exec's other callers pass SQL built at run time. */
static const char *const control_sql[] = {
    "BEGIN",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT dk_tx",
    "RELEASE SAVEPOINT dk_tx",
    "ROLLBACK TO SAVEPOINT dk_tx",
};

static const char *control_statement(const char *sql)
{
    for (size_t i = 0; i < sizeof(control_sql) / sizeof(*control_sql); i++) {
        if (strcmp(sql, control_sql[i]) == 0) {
            return control_sql[i];
        }
    }
    return NULL;
}

/* Runs one statement that returns no rows. */
static enum dk_status run_once(struct db_conn *conn, const char *sql,
                               struct dk_err *err)
{
    struct db_stmt *st = NULL;
    enum dk_status s = sqlite_prepare(conn, sql, true, &st, err);
    bool has_row = false;
    if (s == DK_OK) {
        s = sqlite_step(st, &has_row, err);
        sqlite_finish(st);
    }
    return s;
}

static enum dk_status sqlite_exec(struct db_conn *conn, const char *sql,
                                  struct dk_err *err)
{
    const char *control = control_statement(sql);
    if (control) {
        return run_once(conn, control, err);
    }
    char *msg = NULL;
    if (sqlite3_exec(conn->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sqlite3_free(msg);
        return fail_sqlite(conn, err, "exec");
    }
    return DK_OK;
}

static size_t slot_of(const char *sql)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 56) % CACHE_SLOTS;
}

static enum dk_status sqlite_prepare(struct db_conn *conn, const char *sql,
                                     bool is_static, struct db_stmt **out,
                                     struct dk_err *err)
{
    struct cache_slot *slot = NULL;
    if (is_static) {
        size_t start = slot_of(sql);
        /* Linear probing; when the table is full the statement is simply
         * not cached. */
        for (size_t i = 0; i < CACHE_SLOTS; i++) {
            struct cache_slot *s = &conn->cache[(start + i) % CACHE_SLOTS];
            if (s->sql == sql) {
                *out = &s->stmt;
                return DK_OK;
            }
            if (!s->sql) {
                slot = s;
                break;
            }
        }
    }
    sqlite3_stmt *raw = NULL;
    unsigned flags = slot ? SQLITE_PREPARE_PERSISTENT : 0;
    if (sqlite3_prepare_v3(conn->db, sql, -1, flags, &raw, NULL) != SQLITE_OK) {
        return fail_sqlite(conn, err, "prepare");
    }
    if (slot) {
        slot->sql = sql;
        slot->stmt.raw = raw;
        slot->stmt.conn = conn;
        slot->stmt.is_cached = true;
        *out = &slot->stmt;
        return DK_OK;
    }
    struct db_stmt *st = dk_xcalloc(1, sizeof(*st));
    st->raw = raw;
    st->conn = conn;
    st->is_cached = false;
    *out = st;
    return DK_OK;
}

static void sqlite_bind_i64(struct db_stmt *st, int idx, int64_t v)
{
    sqlite3_bind_int64(st->raw, idx, v);
}

static void sqlite_bind_text(struct db_stmt *st, int idx, const char *ptr,
                             size_t len)
{
    sqlite3_bind_text64(st->raw, idx, ptr, len, SQLITE_STATIC, SQLITE_UTF8);
}

static void sqlite_bind_blob(struct db_stmt *st, int idx, const void *ptr,
                             size_t len)
{
    sqlite3_bind_blob64(st->raw, idx, ptr, len, SQLITE_STATIC);
}

static void sqlite_bind_null(struct db_stmt *st, int idx)
{
    sqlite3_bind_null(st->raw, idx);
}

static enum dk_status sqlite_step(struct db_stmt *st, bool *has_row,
                                  struct dk_err *err)
{
    int rc = sqlite3_step(st->raw);
    if (rc == SQLITE_ROW) {
        *has_row = true;
        return DK_OK;
    }
    *has_row = false;
    if (rc == SQLITE_DONE) {
        return DK_OK;
    }
    return fail_sqlite(st->conn, err, "step");
}

static int64_t sqlite_col_i64(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(st->raw, col);
}

static bool sqlite_col_is_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(st->raw, col) == SQLITE_NULL;
}

static const char *sqlite_col_text(struct db_stmt *st, int col, size_t *len)
{
    const char *p = (const char *)sqlite3_column_text(st->raw, col);
    *len = (size_t)sqlite3_column_bytes(st->raw, col);
    return p;
}

static const void *sqlite_col_blob(struct db_stmt *st, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(st->raw, col);
    *len = (size_t)sqlite3_column_bytes(st->raw, col);
    return p;
}

static void sqlite_finish(struct db_stmt *st)
{
    if (!st) {
        return;
    }
    if (st->is_cached) {
        sqlite3_reset(st->raw);
        sqlite3_clear_bindings(st->raw);
        return;
    }
    sqlite3_finalize(st->raw);
    free(st);
}

static int64_t sqlite_changes(struct db_conn *conn)
{
    return sqlite3_changes64(conn->db);
}

/* Full-text indexing at commit (migrations 0005, 0008). FTS5 writes a new
 * index segment every time a savepoint is released, and under group commit
 * each writer is a savepoint: indexing in the ticket's own trigger cost a
 * segment (and its merges) per create. Instead the triggers note the
 * tickets whose document changed in ticket_search_pending, and their
 * documents are indexed here, once per transaction, just before COMMIT, so
 * the index still commits with them (no search ever misses a row that was
 * answered 2xx). */
static const char *const index_pending_sql[] = {
    "INSERT INTO ticket_search (rowid, subject, description, public, notes) "
    "SELECT d.id, d.subject, d.description, d.public, d.notes "
    "FROM ticket_search_pending p JOIN ticket_search_docs d ON d.id = p.id",
    "DELETE FROM ticket_search_pending",
};

static enum dk_status sqlite_index_pending(struct db_conn *conn,
                                           struct dk_err *err)
{
    for (size_t i = 0;
         i < sizeof(index_pending_sql) / sizeof(*index_pending_sql); i++) {
        enum dk_status s = run_once(conn, index_pending_sql[i], err);
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

/* FTS5 takes a document out of the index by tokenizing its old text
 * again: stemmers that stem a word otherwise than the ones that indexed it
 * would take out terms the index does not hold, which FTS5 then reports
 * as a corrupt index. So the index records the stemmers' fingerprint
 * (0009) and is built again when it changes (a libstemmer upgrade; 1M
 * tickets: ~70 s, at start-up). */
static enum dk_status sqlite_check_index(struct db_conn *conn,
                                         struct dk_err *err)
{
    static const char read_sql[] =
        "SELECT fingerprint FROM ticket_search_stemmer";
    static const char rebuild_sql[] =
        "INSERT INTO ticket_search (ticket_search) VALUES ('rebuild')";
    static const char forget_sql[] = "DELETE FROM ticket_search_stemmer";
    static const char record_sql[] =
        "INSERT INTO ticket_search_stemmer (fingerprint) VALUES (?)";
    char now[24];
    snprintf(now, sizeof(now), "%016llx",
             (unsigned long long)sqlite_search_fingerprint());
    struct db_stmt *st = NULL;
    bool has_row = false;
    enum dk_status s = sqlite_prepare(conn, read_sql, true, &st, err);
    if (s == DK_OK) {
        s = sqlite_step(st, &has_row, err);
    }
    bool is_same =
        s == DK_OK && has_row &&
        strcmp((const char *)sqlite3_column_text(st->raw, 0), now) == 0;
    if (st) {
        sqlite_finish(st);
    }
    if (s != DK_OK || is_same) {
        return s;
    }
    if (has_row) {
        dk_log_info("store: the stemmers changed: building the search index "
                    "again");
        s = run_once(conn, rebuild_sql, err);
    }
    if (s == DK_OK) {
        s = run_once(conn, forget_sql, err);
    }
    if (s == DK_OK) {
        s = sqlite_prepare(conn, record_sql, true, &st, err);
    }
    if (s == DK_OK) {
        sqlite_bind_text(st, 1, now, strlen(now));
        s = sqlite_step(st, &has_row, err);
        sqlite_finish(st);
    }
    return s;
}

const struct dk_store_ops dk_store_sqlite_ops = {
    .name = "sqlite",
    .connect = sqlite_connect,
    .disconnect = sqlite_disconnect,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .bind_i64 = sqlite_bind_i64,
    .bind_text = sqlite_bind_text,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .col_i64 = sqlite_col_i64,
    .col_is_null = sqlite_col_is_null,
    .col_text = sqlite_col_text,
    .col_blob = sqlite_col_blob,
    .finish = sqlite_finish,
    .changes = sqlite_changes,
    /* IMMEDIATE takes the write lock at once: a deferred transaction that
     * upgrades later can fail with SQLITE_BUSY after doing its reads. */
    .begin_read_sql = "BEGIN",
    .begin_write_sql = "BEGIN IMMEDIATE",
    .fts_ids_sql = "SELECT rowid FROM ticket_search "
                   "WHERE ticket_search MATCH docket_fts_query(?)",
    .fts_id_column = "rowid",
    .fts_has_sql = "docket_search_has(?, t.id)",
    /* FTS5 walks its rowids in either order and stops at the LIMIT. */
    .fts_newest_from = " FROM ticket_search JOIN tickets t "
                       "ON t.id = ticket_search.rowid",
    .fts_newest_match = "ticket_search MATCH docket_fts_query(?)",
    .fts_newest_key = "ticket_search.rowid",
    .lock_skip_locked = "", /* one writer at a time */
    .index_pending = sqlite_index_pending,
    .check_index = sqlite_check_index,
    .migrations = dk_sqlite_migrations,
};
