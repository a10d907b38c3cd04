/* copy.c — moving a whole installation from one store to another
 * (`docket migrate`): every row of every table, ids kept, in an order that
 * satisfies the foreign keys, in one transaction on the target; then each
 * table is read back on both sides and compared by row count and checksum.
 * The column lists are the schema's (0001_init.sql, 0002_list_keys.sql); a
 * migration that adds a column adds it here. ticket_counts is not copied:
 * the target's triggers rebuild it from the ticket rows. */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "store/internal.h"

struct copy_table {
    const char *name;
    const char *columns;  /* as in SELECT and INSERT */
    const char *types;    /* one per column: i integer, t text, b blob */
    const char *order_by; /* the primary key */
    bool has_identity;    /* an id column whose sequence must follow */
};

/* Parents before children. */
static const struct copy_table tables[] = {
    {"counters", "name, value", "ti", "name", false},
    {"users",
     "id, kind, role, name, email, email_key, password_hash, disabled, "
     "availability, capacity, skills, organization_id, created_at, "
     "updated_at",
     "ittttttititiii", "id", true},
    {"sessions", "id, token_hash, user_id, csrf_token, created_at, expires_at",
     "ititii", "id", true},
    {"api_tokens",
     "id, token_hash, user_id, name, created_at, last_used_at, revoked_at",
     "ititiii", "id", true},
    {"statuses", "id, key, name, category, position, retired", "itttii", "id",
     true},
    {"priorities", "id, key, name, position, retired", "ittii", "id", true},
    {"groups", "id, name, assignment, created_at", "itti", "id", true},
    {"group_members", "group_id, user_id", "ii", "group_id, user_id", false},
    {"tickets",
     "id, number, subject, description, status_id, priority_id, "
     "assignee_id, group_id, requester_id, deadline, channel, created_at, "
     "updated_at, first_response_at, resolved_at, closed_at, last_event_id, "
     "status_position, priority_position",
     "iittiiiiiitiiiiiiii", "id", true},
    {"ticket_tags", "ticket_id, tag", "it", "ticket_id, tag", false},
    {"ticket_followers", "ticket_id, user_id", "ii", "ticket_id, user_id",
     false},
    {"ticket_reads", "user_id, ticket_id, seen_event_id", "iii",
     "user_id, ticket_id", false},
    {"messages", "id, ticket_id, kind, author_id, body, created_at", "iititi",
     "id", true},
    {"blobs", "sha256, size, data", "tib", "sha256", false},
    {"attachments",
     "id, sha256, name, type, size, uploaded_by, message_id, created_at",
     "itttiiii", "id", true},
    {"events",
     "id, at, actor_id, type, ticket_id, ticket_number, requester_id, "
     "is_internal, data",
     "iiitiiiit", "id", true},
    {"outbox",
     "id, event_id, kind, payload, state, attempts, next_attempt_at, "
     "created_at, message_id, lease_owner, last_error, done_at",
     "iitttiiiitti", "id", true},
};

enum { N_TABLES = sizeof(tables) / sizeof(tables[0]), MAX_COLUMNS = 32 };

static size_t column_count(const struct copy_table *t)
{
    size_t n = 1;
    for (const char *p = t->columns; *p; p++) {
        n += *p == ',';
    }
    if (n != strlen(t->types) || n > MAX_COLUMNS) {
        dk_bug("copy table: columns and types disagree");
    }
    return n;
}

/* Binds column col of the source row to the insert, keeping NULLs. Text
 * and blobs are bound straight from the source row (valid until its next
 * step, after the insert ran), so a large table costs no memory. */
static void copy_value(struct q *from, struct q *to, size_t col, char type)
{
    const struct dk_store_ops *src = from->tx->store->ops;
    const struct dk_store_ops *dst = to->tx->store->ops;
    int index = to->next_bind++;
    size_t len = 0;
    if (src->col_is_null(from->st, (int)col)) {
        dst->bind_null(to->st, index);
    } else if (type == 'i') {
        dst->bind_i64(to->st, index, src->col_i64(from->st, (int)col));
    } else if (type == 'b') {
        const void *p = src->col_blob(from->st, (int)col, &len);
        dst->bind_blob(to->st, index, p, len);
    } else {
        const char *p = src->col_text(from->st, (int)col, &len);
        dst->bind_text(to->st, index, p, len);
    }
}

/* FNV-1a, 64 bits: a checksum to compare two copies, not a secret. */
static void fnv(uint64_t *h, const void *ptr, size_t len)
{
    const unsigned char *p = ptr;
    for (size_t i = 0; i < len; i++) {
        *h = (*h ^ p[i]) * 1099511628211ull;
    }
}

static void hash_value(struct q *q, size_t col, char type, uint64_t *h)
{
    const struct dk_store_ops *ops = q->tx->store->ops;
    if (ops->col_is_null(q->st, (int)col)) {
        fnv(h, "N", 1);
        return;
    }
    size_t len = 0;
    const void *p = NULL;
    char text[32];
    if (type == 'i') {
        len = (size_t)snprintf(text, sizeof(text), "%lld",
                               (long long)q_col_i64(q, (int)col));
        p = text;
    } else if (type == 'b') {
        p = ops->col_blob(q->st, (int)col, &len);
    } else {
        p = ops->col_text(q->st, (int)col, &len);
    }
    fnv(h, type == 'b' ? "B" : "V", 1);
    fnv(h, &len, sizeof(len));
    fnv(h, p, len);
}

static const char *select_sql(struct dk_arena *arena,
                              const struct copy_table *t)
{
    return dk_arena_printf(arena, "SELECT %s FROM %s ORDER BY %s", t->columns,
                           t->name, t->order_by);
}

/* Row count and checksum of one table, read in primary-key order. */
static enum dk_status table_digest(struct dk_tx *tx, const struct copy_table *t,
                                   int64_t *n_rows, uint64_t *checksum,
                                   struct dk_err *err)
{
    size_t n_cols = column_count(t);
    struct q q;
    enum dk_status s = q_open_dynamic(&q, tx, select_sql(tx->arena, t), err);
    if (s != DK_OK) {
        return s;
    }
    *n_rows = 0;
    *checksum = 14695981039346656037ull;
    while (q_next(&q, &s, err)) {
        for (size_t c = 0; c < n_cols; c++) {
            hash_value(&q, c, t->types[c], checksum);
        }
        (*n_rows)++;
    }
    q_close(&q);
    return s;
}

static enum dk_status copy_table_rows(struct dk_tx *from, struct dk_tx *to,
                                      const struct copy_table *t,
                                      struct dk_err *err)
{
    size_t n_cols = column_count(t);
    struct dk_buf insert;
    dk_buf_init_arena(&insert, to->arena, 4096);
    dk_buf_appendf(&insert, "INSERT INTO %s (%s) VALUES (", t->name,
                   t->columns);
    for (size_t c = 0; c < n_cols; c++) {
        dk_buf_appends(&insert, c ? ", ?" : "?");
    }
    dk_buf_appendc(&insert, ')');
    struct q src;
    enum dk_status s =
        q_open_dynamic(&src, from, select_sql(from->arena, t), err);
    if (s != DK_OK) {
        return s;
    }
    while (q_next(&src, &s, err)) {
        struct q dst;
        s = q_open_dynamic(&dst, to, dk_buf_cstr(&insert), err);
        if (s != DK_OK) {
            break;
        }
        for (size_t c = 0; c < n_cols; c++) {
            copy_value(&src, &dst, c, t->types[c]);
        }
        s = q_exec(&dst, err);
        if (s != DK_OK) {
            break;
        }
    }
    q_close(&src);
    if (s == DK_OK && t->has_identity && to->store->ops->reset_identity) {
        s = to->store->ops->reset_identity(to->conn, t->name, err);
    }
    return s;
}

/* The target must be freshly migrated: no users, no tickets. Its seeded
 * rows (counters, statuses, priorities) make way for the source's. */
static enum dk_status prepare_target(struct dk_tx *to, struct dk_err *err)
{
    static const char count_sql[] =
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM tickets)";
    static const char *const clear_sql[] = {
        "DELETE FROM counters",
        "DELETE FROM statuses",
        "DELETE FROM priorities",
        "DELETE FROM events",
    };
    struct q q;
    enum dk_status s = q_open(&q, to, count_sql, err);
    if (s != DK_OK) {
        return s;
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    int64_t n = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    if (s == DK_OK && n > 0) {
        return dk_fail(err, DK_CONFLICT, NULL,
                       "the target already holds users or tickets; "
                       "migrate only into an empty database");
    }
    for (size_t i = 0;
         s == DK_OK && i < sizeof(clear_sql) / sizeof(clear_sql[0]); i++) {
        s = q_open(&q, to, clear_sql[i], err);
        if (s == DK_OK) {
            s = q_exec(&q, err);
        }
    }
    return s;
}

static enum dk_status copy_all(struct dk_store *from, struct dk_store *to,
                               struct dk_arena *arena, struct dk_err *err)
{
    struct dk_tx *src = NULL;
    struct dk_tx *dst = NULL;
    enum dk_status s = dk_store_begin(from, DK_TX_READ, arena, &src, err);
    if (s == DK_OK) {
        s = dk_store_begin(to, DK_TX_WRITE, arena, &dst, err);
    }
    if (s == DK_OK) {
        s = prepare_target(dst, err);
    }
    for (size_t i = 0; s == DK_OK && i < N_TABLES; i++) {
        s = copy_table_rows(src, dst, &tables[i], err);
        if (s != DK_OK) {
            dk_log_error("migrate: copying '%s' failed", tables[i].name);
        }
    }
    dk_store_rollback(src);
    if (s != DK_OK) {
        dk_store_rollback(dst);
        return s;
    }
    return dk_store_commit(dst, err);
}

static enum dk_status verify(struct dk_store *from, struct dk_store *to,
                             struct dk_arena *arena,
                             struct dk_store_copy_report *report,
                             struct dk_err *err)
{
    struct dk_tx *a = NULL;
    struct dk_tx *b = NULL;
    enum dk_status s = dk_store_begin(from, DK_TX_READ, arena, &a, err);
    if (s == DK_OK) {
        s = dk_store_begin(to, DK_TX_READ, arena, &b, err);
    }
    for (size_t i = 0; s == DK_OK && i < N_TABLES; i++) {
        struct dk_store_copy_table *r = &report->tables[i];
        int64_t n_target = 0;
        uint64_t sum_target = 0;
        r->name = tables[i].name;
        s = table_digest(a, &tables[i], &r->n_rows, &r->checksum, err);
        if (s == DK_OK) {
            s = table_digest(b, &tables[i], &n_target, &sum_target, err);
        }
        if (s == DK_OK &&
            (n_target != r->n_rows || sum_target != r->checksum)) {
            s = dk_fail(err, DK_INTERNAL, NULL,
                        "table '%s' differs after copying (%lld rows, "
                        "target %lld)",
                        r->name, (long long)r->n_rows, (long long)n_target);
        }
        report->n_tables = i + 1;
    }
    dk_store_rollback(a);
    dk_store_rollback(b);
    return s;
}

enum dk_status dk_store_copy(struct dk_store *from, struct dk_store *to,
                             struct dk_store_copy_report *report,
                             struct dk_err *err)
{
    memset(report, 0, sizeof(*report));
    if (dk_store_schema_version(from) != dk_store_schema_version(to)) {
        return dk_fail(err, DK_CONFLICT, NULL,
                       "the two databases have different schema versions");
    }
    struct dk_arena arena;
    dk_arena_init(&arena);
    enum dk_status s = copy_all(from, to, &arena, err);
    dk_arena_release(&arena);
    if (s == DK_OK) {
        dk_arena_init(&arena);
        s = verify(from, to, &arena, report, err);
        dk_arena_release(&arena);
    }
    return s;
}
