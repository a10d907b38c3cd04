/* db.c — the store's spine: connection pool, transactions, migrations, the
 * statement helpers and cursors that every query file uses. Read store.h and
 * internal.h first. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

enum { CURSOR_VERSION = 1, CURSOR_MAX_BYTES = 4096 };

enum dk_status store_internal(struct dk_err *err, const char *what,
                              const char *detail)
{
    dk_log_error("store: %s failed: %s", what, detail ? detail : "?");
    return dk_fail(err, DK_INTERNAL, NULL, "storage failure");
}

/* Rolls back whatever is open on conn; a failure here only matters to the
 * log, since the connection's transaction is abandoned either way. */
static void conn_rollback(struct dk_store *store, struct db_conn *conn)
{
    struct dk_err err;
    if (store->ops->exec(conn, "ROLLBACK", &err) != DK_OK) {
        dk_log_warn("store: rollback failed: %s", err.message);
    }
}

/* ---- migrations ---- */

static int migration_version(const char *path)
{
    int v = 0;
    for (const char *p = path; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
    }
    return v;
}

static enum dk_status read_schema_version(struct dk_store *store,
                                          struct db_conn *conn, int *out,
                                          struct dk_err *err)
{
    static const char sql[] = "SELECT COALESCE(MAX(version), 0) "
                              "FROM schema_migrations";
    struct db_stmt *st = NULL;
    enum dk_status s = store->ops->prepare(conn, sql, false, &st, err);
    if (s != DK_OK) {
        return s;
    }
    bool has_row = false;
    s = store->ops->step(st, &has_row, err);
    if (s == DK_OK && has_row) {
        *out = (int)store->ops->col_i64(st, 0);
    }
    store->ops->finish(st);
    return s;
}

static enum dk_status apply_migration(struct dk_store *store,
                                      struct db_conn *conn,
                                      const struct dk_embedded *m,
                                      struct dk_err *err)
{
    char *sql = dk_xstrndup((const char *)m->data, m->len);
    enum dk_status s = store->ops->exec(conn, sql, err);
    free(sql);
    if (s != DK_OK) {
        dk_log_error("store: migration %s failed", m->path);
        return s;
    }
    char record[128];
    snprintf(record, sizeof(record),
             "INSERT INTO schema_migrations (version, applied_at) "
             "VALUES (%d, %lld)",
             migration_version(m->path), (long long)dk_clock_now_ms());
    return store->ops->exec(conn, record, err);
}

/* The newest schema version this binary carries. */
static int newest_known(const struct dk_store_ops *ops)
{
    int newest = 0;
    for (const struct dk_embedded *m = ops->migrations; m->path; m++) {
        int v = migration_version(m->path);
        newest = v > newest ? v : newest;
    }
    return newest;
}

/* Applies every migration newer than the database, all in one transaction:
 * a failure leaves the database as it was. */
static enum dk_status migrate(struct dk_store *store, struct db_conn *conn,
                              struct dk_err *err)
{
    static const char create[] =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";
    /* Inside the write transaction, so that nodes starting together on one
     * PostgreSQL migrate one after the other. */
    enum dk_status s = store->ops->exec(conn, store->ops->begin_write_sql, err);
    if (s != DK_OK) {
        return s;
    }
    s = store->ops->exec(conn, create, err);
    int current = 0;
    if (s == DK_OK) {
        s = read_schema_version(store, conn, &current, err);
    }
    if (s == DK_OK && current > newest_known(store->ops)) {
        /* A newer docket wrote it: this one would write without what the
         * newer migrations added (the search index's pending rows, say). */
        s = dk_fail(err, DK_INVALID, NULL,
                    "the database has schema %d, newer than this docket "
                    "knows (%d): run the newer docket",
                    current, newest_known(store->ops));
    }
    int newest = current;
    for (const struct dk_embedded *m = store->ops->migrations;
         s == DK_OK && m->path; m++) {
        int v = migration_version(m->path);
        if (v <= current) {
            continue;
        }
        s = apply_migration(store, conn, m, err);
        if (s == DK_OK) {
            dk_log_info("store: applied migration %s", m->path);
            newest = v;
        }
    }
    if (s == DK_OK && store->ops->check_index) {
        s = store->ops->check_index(conn, err);
    }
    if (s != DK_OK) {
        conn_rollback(store, conn);
        return s;
    }
    s = store->ops->exec(conn, "COMMIT", err);
    store->schema_version = newest;
    return s;
}

/* ---- open and close ---- */

enum dk_status dk_store_open(const struct dk_store_config *config,
                             struct dk_store **out, struct dk_err *err)
{
    struct dk_store *store = dk_xcalloc(1, sizeof(*store));
    bool is_pg = config->pg_conninfo != NULL;
    store->ops = is_pg ? &dk_store_pg_ops : &dk_store_sqlite_ops;
    store->config = *config;
    store->target =
        dk_xstrdup(is_pg ? config->pg_conninfo : config->sqlite_path);
    store->config.sqlite_path = is_pg ? NULL : store->target;
    store->config.pg_conninfo = is_pg ? store->target : NULL;
    store->n_conns = config->n_connections < 2 ? 2 : config->n_connections;
    store->conns = dk_xcalloc(store->n_conns, sizeof(*store->conns));
    store->is_busy = dk_xcalloc(store->n_conns, sizeof(*store->is_busy));
    pthread_mutex_init(&store->pool_lock, NULL);
    pthread_cond_init(&store->pool_free, NULL);
    pthread_mutex_init(&store->writer_lock, NULL);
    pthread_mutex_init(&store->batch_lock, NULL);
    pthread_cond_init(&store->batch_done, NULL);
    enum dk_status s = DK_OK;
    for (unsigned i = 0; i < store->n_conns && s == DK_OK; i++) {
        s = store->ops->connect(&store->config, &store->conns[i], err);
        if (s == DK_OK && i == 0) {
            s = migrate(store, store->conns[0], err);
        }
    }
    if (s != DK_OK) {
        dk_store_free(store);
        return s;
    }
    *out = store;
    return DK_OK;
}

enum dk_status dk_store_watch(struct dk_store *store, dk_store_event_fn fn,
                              void *user, struct dk_err *err)
{
    if (store->watcher || !store->ops->watch) {
        return DK_OK;
    }
    return store->ops->watch(&store->config, fn, user, &store->watcher, err);
}

void dk_store_unwatch(struct dk_store *store)
{
    if (store->watcher) {
        store->ops->unwatch(store->watcher);
        store->watcher = NULL;
    }
}

void dk_store_free(struct dk_store *store)
{
    if (!store) {
        return;
    }
    dk_store_unwatch(store);
    for (unsigned i = 0; i < store->n_conns; i++) {
        store->ops->disconnect(store->conns[i]);
    }
    pthread_mutex_destroy(&store->pool_lock);
    pthread_cond_destroy(&store->pool_free);
    pthread_mutex_destroy(&store->writer_lock);
    pthread_mutex_destroy(&store->batch_lock);
    pthread_cond_destroy(&store->batch_done);
    free(store->conns);
    free(store->is_busy);
    free(store->target);
    free(store);
}

int dk_store_schema_version(const struct dk_store *store)
{
    return store->schema_version;
}

/* ---- transactions ---- */

unsigned store_checkout(struct dk_store *store)
{
    pthread_mutex_lock(&store->pool_lock);
    for (;;) {
        for (unsigned i = 0; i < store->n_conns; i++) {
            if (!store->is_busy[i]) {
                store->is_busy[i] = true;
                pthread_mutex_unlock(&store->pool_lock);
                return i;
            }
        }
        pthread_cond_wait(&store->pool_free, &store->pool_lock);
    }
}

void store_checkin(struct dk_store *store, unsigned index)
{
    pthread_mutex_lock(&store->pool_lock);
    store->is_busy[index] = false;
    pthread_cond_signal(&store->pool_free);
    pthread_mutex_unlock(&store->pool_lock);
}

static void tx_end(struct dk_tx *tx)
{
    store_checkin(tx->store, tx->conn_index);
    free(tx);
}

enum dk_status dk_store_begin(struct dk_store *store, enum dk_tx_mode mode,
                              struct dk_arena *arena, struct dk_tx **out,
                              struct dk_err *err)
{
    struct dk_tx *tx = dk_xcalloc(1, sizeof(*tx));
    tx->store = store;
    tx->arena = arena;
    tx->is_write = mode == DK_TX_WRITE;
    if (tx->is_write) {
        enum dk_status s = store_write_begin(tx, err);
        if (s != DK_OK) {
            free(tx);
            return s;
        }
        *out = tx;
        return DK_OK;
    }
    tx->conn_index = store_checkout(store);
    tx->conn = store->conns[tx->conn_index];
    enum dk_status s =
        store->ops->exec(tx->conn, store->ops->begin_read_sql, err);
    if (s != DK_OK) {
        tx_end(tx);
        return s;
    }
    *out = tx;
    return DK_OK;
}

enum dk_status dk_store_commit(struct dk_tx *tx, struct dk_err *err)
{
    if (tx->is_write) {
        enum dk_status s = store_write_commit(tx, err);
        free(tx);
        return s;
    }
    /* A read transaction has nothing to make durable. */
    conn_rollback(tx->store, tx->conn);
    tx_end(tx);
    return DK_OK;
}

void dk_store_rollback(struct dk_tx *tx)
{
    if (!tx) {
        return;
    }
    if (tx->is_write) {
        store_write_rollback(tx);
        free(tx);
        return;
    }
    conn_rollback(tx->store, tx->conn);
    tx_end(tx);
}

enum dk_status dk_store_last_event_id(struct dk_store *store, int64_t *out)
{
    static const char sql[] = "SELECT COALESCE(MAX(id), 0) FROM events";
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_tx *tx = NULL;
    struct dk_err err;
    enum dk_status s = dk_store_begin(store, DK_TX_READ, &arena, &tx, &err);
    if (s != DK_OK) {
        dk_arena_release(&arena);
        return s;
    }
    struct q q;
    bool has_row = false;
    s = q_open(&q, tx, sql, &err);
    if (s == DK_OK) {
        s = q_step(&q, &has_row, &err);
        *out = has_row ? q_col_i64(&q, 0) : 0;
        q_close(&q);
    }
    dk_store_rollback(tx);
    dk_arena_release(&arena);
    return s;
}

/* ---- statement helpers ---- */

static enum dk_status open_stmt(struct q *q, struct dk_tx *tx, const char *sql,
                                bool is_static, struct dk_err *err)
{
    q->tx = tx;
    q->st = NULL;
    q->next_bind = 1;
    return tx->store->ops->prepare(tx->conn, sql, is_static, &q->st, err);
}

enum dk_status q_open(struct q *q, struct dk_tx *tx, const char *sql,
                      struct dk_err *err)
{
    return open_stmt(q, tx, sql, true, err);
}

enum dk_status q_open_dynamic(struct q *q, struct dk_tx *tx, const char *sql,
                              struct dk_err *err)
{
    return open_stmt(q, tx, sql, false, err);
}

void q_i64(struct q *q, int64_t v)
{
    q->tx->store->ops->bind_i64(q->st, q->next_bind++, v);
}

void q_i64_or_null(struct q *q, int64_t v)
{
    if (v == 0) {
        q->tx->store->ops->bind_null(q->st, q->next_bind++);
        return;
    }
    q_i64(q, v);
}

void q_text(struct q *q, const char *s)
{
    if (!s) {
        q->tx->store->ops->bind_null(q->st, q->next_bind++);
        return;
    }
    q->tx->store->ops->bind_text(q->st, q->next_bind++, s, strlen(s));
}

void q_blob(struct q *q, const void *ptr, size_t len)
{
    q->tx->store->ops->bind_blob(q->st, q->next_bind++, ptr, len);
}

enum dk_status q_step(struct q *q, bool *has_row, struct dk_err *err)
{
    return q->tx->store->ops->step(q->st, has_row, err);
}

bool q_next(struct q *q, enum dk_status *status, struct dk_err *err)
{
    bool has_row = false;
    *status = q_step(q, &has_row, err);
    return *status == DK_OK && has_row;
}

enum dk_status q_exec(struct q *q, struct dk_err *err)
{
    bool has_row = false;
    enum dk_status s = q_step(q, &has_row, err);
    q_close(q);
    return s;
}

int64_t q_col_i64(struct q *q, int col)
{
    return q->tx->store->ops->col_i64(q->st, col);
}

bool q_col_bool(struct q *q, int col)
{
    return q_col_i64(q, col) != 0;
}

const char *q_col_text(struct q *q, int col)
{
    const struct dk_store_ops *ops = q->tx->store->ops;
    if (ops->col_is_null(q->st, col)) {
        return NULL;
    }
    size_t len = 0;
    const char *p = ops->col_text(q->st, col, &len);
    return dk_arena_strndup(q->tx->arena, p ? p : "", p ? len : 0);
}

void q_close(struct q *q)
{
    if (q->st) {
        q->tx->store->ops->finish(q->st);
        q->st = NULL;
    }
}

struct dk_strs store_split_lines(struct dk_arena *arena, const char *text)
{
    struct dk_strs out = {NULL, 0};
    if (!text || !*text) {
        return out;
    }
    size_t n = 1;
    for (const char *p = text; *p; p++) {
        n += *p == '\n';
    }
    out.items = dk_arena_calloc(arena, n, sizeof(*out.items));
    struct dk_str rest = dk_str_cstr(text);
    struct dk_str head;
    while (rest.len) {
        dk_str_split(rest, '\n', &head, &rest);
        if (head.len) {
            out.items[out.n_items++] =
                dk_arena_strndup(arena, head.ptr, head.len);
        }
    }
    return out;
}

bool store_next_word(struct dk_str *rest, struct dk_str *word)
{
    size_t i = 0;
    while (i < rest->len && (rest->ptr[i] == ' ' || rest->ptr[i] == '\t' ||
                             rest->ptr[i] == '\n' || rest->ptr[i] == '\r')) {
        i++;
    }
    size_t start = i;
    while (i < rest->len && rest->ptr[i] != ' ' && rest->ptr[i] != '\t' &&
           rest->ptr[i] != '\n' && rest->ptr[i] != '\r') {
        i++;
    }
    *word = dk_str_make(rest->ptr + start, i - start);
    *rest = dk_str_make(rest->ptr + i, rest->len - i);
    return word->len > 0;
}

bool store_word_take_prefix(struct dk_str *word)
{
    size_t len = word->len;
    while (len > 0 && word->ptr[len - 1] == '*') {
        len--;
    }
    bool is_prefix = len < word->len;
    word->len = len;
    return is_prefix;
}

/* A byte of a token: an ASCII letter or digit, or any byte of a
 * non-ASCII character (the tokenizers decide which of those are letters). */
static bool is_term_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

const char *store_search_expression(struct dk_arena *arena, const char *words,
                                    bool is_internal_hidden)
{
    struct dk_buf out;
    dk_buf_init_arena(&out, arena, DK_MAX_SEARCH_BYTES + 8);
    dk_buf_appends(&out, is_internal_hidden ? "ABC:" : ":");
    struct dk_str rest = dk_str_cstr(words);
    struct dk_str word;
    bool has_term = false;
    for (size_t n = 0; store_next_word(&rest, &word); n++) {
        dk_buf_appends(&out, n ? " " : "");
        dk_buf_append(&out, word.ptr, word.len);
        for (size_t i = 0; i < word.len; i++) {
            has_term = has_term || is_term_byte((unsigned char)word.ptr[i]);
        }
    }
    if (!has_term || out.has_failed) {
        return NULL;
    }
    return dk_buf_take(&out);
}

/* ---- run-time SQL ---- */

void sqlb_init(struct sqlb *b, struct dk_tx *tx)
{
    struct dk_arena *arena = tx->arena;
    b->ops = tx->store->ops;
    dk_buf_init_arena(&b->sql, arena, 64 * 1024);
    b->values = NULL;
    b->n_values = 0;
    b->cap_values = 0;
    b->arena = arena;
}

void sqlb_sql(struct sqlb *b, const char *text)
{
    dk_buf_appends(&b->sql, text);
}

static struct sqlb_value *sqlb_push(struct sqlb *b)
{
    if (b->n_values == b->cap_values) {
        size_t cap = b->cap_values ? b->cap_values * 2 : 16;
        struct sqlb_value *more = dk_arena_calloc(b->arena, cap, sizeof(*more));
        if (b->n_values) {
            memcpy(more, b->values, b->n_values * sizeof(*more));
        }
        b->values = more;
        b->cap_values = cap;
    }
    return &b->values[b->n_values++];
}

void sqlb_i64(struct sqlb *b, int64_t v)
{
    struct sqlb_value *slot = sqlb_push(b);
    slot->is_text = false;
    slot->i64 = v;
}

void sqlb_text(struct sqlb *b, const char *v)
{
    struct sqlb_value *slot = sqlb_push(b);
    slot->is_text = true;
    slot->text = v ? dk_arena_strdup(b->arena, v) : NULL;
}

void sqlb_in(struct sqlb *b, const struct dk_strs *items)
{
    sqlb_sql(b, " IN (");
    for (size_t i = 0; i < items->n_items; i++) {
        sqlb_sql(b, i ? ", ?" : "?");
        sqlb_text(b, items->items[i]);
    }
    sqlb_sql(b, ")");
}

void sqlb_in_i64(struct sqlb *b, const int64_t *items, size_t n_items)
{
    sqlb_sql(b, " IN (");
    for (size_t i = 0; i < n_items; i++) {
        sqlb_sql(b, i ? ", ?" : "?");
        sqlb_i64(b, items[i]);
    }
    sqlb_sql(b, ")");
}

enum dk_status sqlb_open(struct sqlb *b, struct q *q, struct dk_tx *tx,
                         struct dk_err *err)
{
    if (b->sql.has_failed) {
        return store_internal(err, "build query", "query text too long");
    }
    enum dk_status s = q_open_dynamic(q, tx, dk_buf_cstr(&b->sql), err);
    if (s != DK_OK) {
        return s;
    }
    for (size_t i = 0; i < b->n_values; i++) {
        if (b->values[i].is_text) {
            q_text(q, b->values[i].text);
        } else {
            q_i64(q, b->values[i].i64);
        }
    }
    return DK_OK;
}

/* ---- cursors ---- */

const char *store_cursor_encode(struct dk_arena *arena, uint32_t signature,
                                const char **values, size_t n_values)
{
    struct dk_buf raw;
    dk_buf_init_arena(&raw, arena, CURSOR_MAX_BYTES);
    dk_buf_appendf(&raw, "%c%08x", '0' + CURSOR_VERSION, signature);
    for (size_t i = 0; i < n_values; i++) {
        const char *v = values[i] ? values[i] : "";
        dk_buf_appendf(&raw, "%c%zu:", values[i] ? 'v' : 'n', strlen(v));
        dk_buf_appends(&raw, v);
    }
    struct dk_buf out;
    dk_buf_init_arena(&out, arena, CURSOR_MAX_BYTES * 2);
    dk_buf_append_base64url(&out, (const unsigned char *)raw.ptr, raw.len);
    return dk_buf_take(&out);
}

static enum dk_status bad_cursor(struct dk_err *err)
{
    return dk_fail(err, DK_INVALID, "cursor", "invalid cursor for this query");
}

/* Reads one "v<len>:<bytes>" or "n0:" item at *pos. */
static bool cursor_item(struct dk_arena *arena, const unsigned char *raw,
                        size_t len, size_t *pos, const char **out)
{
    if (*pos >= len || (raw[*pos] != 'v' && raw[*pos] != 'n')) {
        return false;
    }
    bool is_null = raw[*pos] == 'n';
    size_t i = *pos + 1;
    size_t n = 0;
    size_t digits = 0;
    while (i < len && raw[i] >= '0' && raw[i] <= '9' && digits < 5) {
        n = n * 10 + (size_t)(raw[i] - '0');
        i++;
        digits++;
    }
    /* A NULL carries no bytes: one encoding per cursor (found by
     * tests/fuzz/fuzz_cursor.c). */
    if (digits == 0 || i >= len || raw[i] != ':' || n > len - i - 1 ||
        (is_null && n != 0)) {
        return false;
    }
    i++;
    if (memchr(raw + i, '\0', n)) {
        return false;
    }
    *out = is_null ? NULL : dk_arena_strndup(arena, (const char *)raw + i, n);
    *pos = i + n;
    return true;
}

enum dk_status store_cursor_decode(struct dk_arena *arena, const char *cursor,
                                   uint32_t signature, const char **values,
                                   size_t n_values, struct dk_err *err)
{
    size_t cursor_len = strlen(cursor);
    if (cursor_len > CURSOR_MAX_BYTES * 2) {
        return bad_cursor(err);
    }
    unsigned char *raw = dk_arena_alloc(arena, CURSOR_MAX_BYTES * 2);
    size_t len = 0;
    if (!dk_parse_base64url(dk_str_make(cursor, cursor_len), raw,
                            CURSOR_MAX_BYTES * 2, &len) ||
        len < 9 || raw[0] != '0' + CURSOR_VERSION) {
        return bad_cursor(err);
    }
    char sig_text[9];
    snprintf(sig_text, sizeof(sig_text), "%08x", signature);
    if (memcmp(raw + 1, sig_text, 8) != 0) {
        return bad_cursor(err);
    }
    size_t pos = 9;
    for (size_t i = 0; i < n_values; i++) {
        if (!cursor_item(arena, raw, len, &pos, &values[i])) {
            return bad_cursor(err);
        }
    }
    if (pos != len) {
        return bad_cursor(err);
    }
    return DK_OK;
}

const char *store_id_cursor_encode(struct dk_arena *arena, uint32_t signature,
                                   int64_t id)
{
    const char *value = dk_arena_printf(arena, "%lld", (long long)id);
    return store_cursor_encode(arena, signature, &value, 1);
}

enum dk_status store_id_cursor_decode(struct dk_arena *arena,
                                      const char *cursor, uint32_t signature,
                                      int64_t *id, struct dk_err *err)
{
    const char *value = NULL;
    enum dk_status s =
        store_cursor_decode(arena, cursor, signature, &value, 1, err);
    if (s == DK_OK && (!value || !dk_parse_id(dk_str_cstr(value), id))) {
        return bad_cursor(err);
    }
    return s;
}

const char *store_key_cursor_encode(struct dk_arena *arena, uint32_t signature,
                                    const char *key, int64_t id)
{
    const char *values[2] = {key,
                             dk_arena_printf(arena, "%lld", (long long)id)};
    return store_cursor_encode(arena, signature, values, 2);
}

enum dk_status store_key_cursor_decode(struct dk_arena *arena,
                                       const char *cursor, uint32_t signature,
                                       const char **key, int64_t *id,
                                       struct dk_err *err)
{
    const char *values[2] = {NULL, NULL};
    enum dk_status s =
        store_cursor_decode(arena, cursor, signature, values, 2, err);
    if (s == DK_OK && (!values[0] || !values[1] ||
                       !dk_parse_id(dk_str_cstr(values[1]), id))) {
        return bad_cursor(err);
    }
    *key = values[0];
    return s;
}

enum dk_status store_count(struct dk_tx *tx, const char *sql, int64_t id_param,
                           int64_t *out, struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    if (id_param) {
        q_i64(&q, id_param);
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *out = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}
