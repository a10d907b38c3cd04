/* users.c — users, their groups and skills. */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "store/internal.h"

#define USER_COLUMNS                                                       \
    "u.id, u.kind, u.role, u.name, u.email, u.password_hash, u.disabled, " \
    "u.availability, u.capacity, u.skills, u.organization_id, "            \
    "u.created_at, u.updated_at"

static char *email_key(struct dk_arena *arena, const char *email)
{
    char *key = dk_arena_strdup(arena, email);
    dk_str_ascii_lower(key);
    return key;
}

static char *join_lines(struct dk_arena *arena, const struct dk_strs *list)
{
    struct dk_buf buf;
    dk_buf_init_arena(&buf, arena, 1024 * 1024);
    for (size_t i = 0; i < list->n_items; i++) {
        if (i) {
            dk_buf_appendc(&buf, '\n');
        }
        dk_buf_appends(&buf, list->items[i]);
    }
    return dk_buf_take(&buf);
}

static void read_user(struct q *q, struct dk_user *u)
{
    memset(u, 0, sizeof(*u));
    u->id = q_col_i64(q, 0);
    u->kind = q_col_text(q, 1);
    u->role = q_col_text(q, 2);
    u->name = q_col_text(q, 3);
    u->email = q_col_text(q, 4);
    u->password_hash = q_col_text(q, 5);
    u->is_disabled = q_col_bool(q, 6);
    u->availability = q_col_text(q, 7);
    u->has_capacity = q_col_text(q, 8) != NULL;
    u->capacity = q_col_i64(q, 8);
    u->skills = store_split_lines(q->tx->arena, q_col_text(q, 9));
    u->organization_id = q_col_i64(q, 10);
    u->created_at_ms = q_col_i64(q, 11);
    u->updated_at_ms = q_col_i64(q, 12);
}

static enum dk_status read_groups(struct dk_tx *tx, struct dk_user *u,
                                  struct dk_err *err)
{
    static const char sql[] = "SELECT group_id FROM group_members "
                              "WHERE user_id = ? ORDER BY group_id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, u->id);
    size_t cap = 8;
    u->groups.items = dk_arena_calloc(tx->arena, cap, sizeof(int64_t));
    u->groups.n_items = 0;
    while (q_next(&q, &s, err)) {
        if (u->groups.n_items == cap) {
            int64_t *more =
                dk_arena_calloc(tx->arena, cap * 2, sizeof(int64_t));
            memcpy(more, u->groups.items, cap * sizeof(int64_t));
            u->groups.items = more;
            cap *= 2;
        }
        u->groups.items[u->groups.n_items++] = q_col_i64(&q, 0);
    }
    q_close(&q);
    return s;
}

static void bind_user_columns(struct q *q, const struct dk_user *u)
{
    struct dk_arena *arena = q->tx->arena;
    q_text(q, u->kind);
    q_text(q, u->role);
    q_text(q, u->name);
    q_text(q, u->email);
    q_text(q, email_key(arena, u->email));
    q_text(q, u->password_hash);
    q_i64(q, u->is_disabled);
    q_text(q, u->availability ? u->availability : "offline");
    if (u->has_capacity) {
        q_i64(q, u->capacity);
    } else {
        q_text(q, NULL);
    }
    q_text(q, join_lines(arena, &u->skills));
    q_i64_or_null(q, u->organization_id);
}

enum dk_status dk_store_user_insert(struct dk_tx *tx, const struct dk_user *u,
                                    int64_t *id_out, struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO users (kind, role, name, email, email_key, "
        "password_hash, disabled, availability, capacity, skills, "
        "organization_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bind_user_columns(&q, u);
    q_i64(&q, u->created_at_ms);
    q_i64(&q, u->updated_at_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
    }
    q_close(&q);
    if (s == DK_CONFLICT) {
        return dk_fail(err, DK_CONFLICT, "email",
                       "a user with email '%s' already exists", u->email);
    }
    return s;
}

enum dk_status dk_store_user_update(struct dk_tx *tx, const struct dk_user *u,
                                    struct dk_err *err)
{
    static const char sql[] =
        "UPDATE users SET kind = ?, role = ?, name = ?, email = ?, "
        "email_key = ?, password_hash = ?, disabled = ?, availability = ?, "
        "capacity = ?, skills = ?, organization_id = ?, updated_at = ? "
        "WHERE id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bind_user_columns(&q, u);
    q_i64(&q, u->updated_at_ms);
    q_i64(&q, u->id);
    s = q_exec(&q, err);
    if (s == DK_CONFLICT) {
        return dk_fail(err, DK_CONFLICT, "email",
                       "a user with email '%s' already exists", u->email);
    }
    return s;
}

static enum dk_status get_one(struct dk_tx *tx, const char *sql, int64_t id,
                              const char *text, struct dk_user *out,
                              struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    if (text) {
        q_text(&q, text);
    } else {
        q_i64(&q, id);
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        read_user(&q, out);
    }
    q_close(&q);
    if (s != DK_OK) {
        return s;
    }
    if (!has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "user not found");
    }
    return read_groups(tx, out, err);
}

enum dk_status dk_store_user_get(struct dk_tx *tx, int64_t id,
                                 struct dk_user *out, struct dk_err *err)
{
    static const char sql[] =
        "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?";
    return get_one(tx, sql, id, NULL, out, err);
}

enum dk_status dk_store_user_get_by_email(struct dk_tx *tx, const char *email,
                                          struct dk_user *out,
                                          struct dk_err *err)
{
    static const char sql[] =
        "SELECT " USER_COLUMNS " FROM users u WHERE u.email_key = ?";
    return get_one(tx, sql, 0, email_key(tx->arena, email), out, err);
}

enum dk_status dk_store_user_count(struct dk_tx *tx, int64_t *out,
                                   struct dk_err *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM users";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *out = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}

/* Sort columns by enum dk_user_sort: an allow-list, never user text. */
static const char *const user_sort_columns[] = {
    [DK_USER_SORT_ID] = "u.id",
    [DK_USER_SORT_NAME] = "u.name",
    [DK_USER_SORT_EMAIL] = "u.email_key",
    [DK_USER_SORT_CREATED_AT] = "u.created_at",
};

static void user_filters(struct dk_buf *sql, const struct dk_user_query *uq)
{
    dk_buf_appends(sql, " WHERE 1 = 1");
    if (uq->kind) {
        dk_buf_appends(sql, " AND u.kind = ?");
    }
    if (uq->role) {
        dk_buf_appends(sql, " AND u.role = ?");
    }
    if (uq->prefix) {
        /* Names match as written or with Latin letters in any case ("ali"
         * finds "Alice"); emails are stored lower-cased. */
        dk_buf_appends(sql, " AND (substr(u.name, 1, ?) = ? OR "
                            "lower(substr(u.name, 1, ?)) = ? OR "
                            "substr(u.email_key, 1, ?) = ?)");
    }
    if (uq->disabled >= 0) {
        dk_buf_appends(sql, " AND u.disabled = ?");
    }
}

static void bind_user_filters(struct q *q, const struct dk_user_query *uq)
{
    if (uq->kind) {
        q_text(q, uq->kind);
    }
    if (uq->role) {
        q_text(q, uq->role);
    }
    if (uq->prefix) {
        int64_t chars = (int64_t)dk_utf8_count(uq->prefix, strlen(uq->prefix));
        char *lower = dk_arena_strdup(q->tx->arena, uq->prefix);
        dk_str_ascii_lower(lower);
        q_i64(q, chars);
        q_text(q, uq->prefix);
        q_i64(q, chars);
        q_text(q, lower);
        q_i64(q, chars);
        q_text(q, lower);
    }
    if (uq->disabled >= 0) {
        q_i64(q, uq->disabled);
    }
}

static enum dk_status count_users(struct dk_tx *tx,
                                  const struct dk_user_query *uq,
                                  int64_t *total, struct dk_err *err)
{
    struct dk_buf sql;
    dk_buf_init_arena(&sql, tx->arena, 4096);
    dk_buf_appends(&sql, "SELECT COUNT(*) FROM users u");
    user_filters(&sql, uq);
    struct q q;
    enum dk_status s = q_open_dynamic(&q, tx, dk_buf_cstr(&sql), err);
    if (s != DK_OK) {
        return s;
    }
    bind_user_filters(&q, uq);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *total = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}

enum dk_status dk_store_user_list(struct dk_tx *tx,
                                  const struct dk_user_query *uq,
                                  struct dk_user_page *out, struct dk_err *err)
{
    memset(out, 0, sizeof(*out));
    uint32_t signature =
        0x55000000u | (uint32_t)uq->sort << 1 | (uq->is_descending ? 1 : 0);
    const char *key_values[2] = {NULL, NULL};
    if (uq->cursor) {
        enum dk_status s = store_cursor_decode(tx->arena, uq->cursor, signature,
                                               key_values, 2, err);
        if (s != DK_OK) {
            return s;
        }
    }
    enum dk_status s = count_users(tx, uq, &out->total, err);
    if (s != DK_OK) {
        return s;
    }
    const char *column = user_sort_columns[uq->sort];
    const char *dir = uq->is_descending ? "DESC" : "ASC";
    const char *cmp = uq->is_descending ? "<" : ">";
    struct dk_buf sql;
    dk_buf_init_arena(&sql, tx->arena, 8192);
    dk_buf_appends(&sql, "SELECT " USER_COLUMNS " FROM users u");
    user_filters(&sql, uq);
    if (uq->cursor) {
        dk_buf_appendf(&sql, " AND (%s %s ? OR (%s = ? AND u.id %s ?))", column,
                       cmp, column, cmp);
    }
    dk_buf_appendf(&sql, " ORDER BY %s %s, u.id %s LIMIT ?", column, dir, dir);
    struct q q;
    s = q_open_dynamic(&q, tx, dk_buf_cstr(&sql), err);
    if (s != DK_OK) {
        return s;
    }
    bind_user_filters(&q, uq);
    if (uq->cursor) {
        bool is_numeric =
            uq->sort == DK_USER_SORT_ID || uq->sort == DK_USER_SORT_CREATED_AT;
        int64_t v = 0;
        int64_t id = 0;
        if (!key_values[0] || !key_values[1] ||
            !dk_parse_i64(dk_str_cstr(key_values[1]), &id) ||
            (is_numeric && !dk_parse_i64(dk_str_cstr(key_values[0]), &v))) {
            q_close(&q);
            return dk_fail(err, DK_INVALID, "cursor",
                           "invalid cursor for this query");
        }
        for (int i = 0; i < 2; i++) {
            if (is_numeric) {
                q_i64(&q, v);
            } else {
                q_text(&q, key_values[0]);
            }
        }
        q_i64(&q, id);
    }
    q_i64(&q, (int64_t)uq->limit + 1);
    out->items = dk_arena_calloc(tx->arena, uq->limit + 1, sizeof(*out->items));
    while (q_next(&q, &s, err)) {
        read_user(&q, &out->items[out->n_items++]);
    }
    q_close(&q);
    if (s != DK_OK) {
        return s;
    }
    if (out->n_items > uq->limit) {
        out->n_items = uq->limit;
        const struct dk_user *last = &out->items[uq->limit - 1];
        const char *values[2];
        switch (uq->sort) {
        case DK_USER_SORT_NAME:
            values[0] = last->name;
            break;
        case DK_USER_SORT_EMAIL:
            values[0] = email_key(tx->arena, last->email);
            break;
        case DK_USER_SORT_CREATED_AT:
            values[0] = dk_arena_printf(tx->arena, "%lld",
                                        (long long)last->created_at_ms);
            break;
        default:
            values[0] = dk_arena_printf(tx->arena, "%lld", (long long)last->id);
            break;
        }
        values[1] = dk_arena_printf(tx->arena, "%lld", (long long)last->id);
        out->next_cursor = store_cursor_encode(tx->arena, signature, values, 2);
    }
    for (size_t i = 0; i < out->n_items && s == DK_OK; i++) {
        s = read_groups(tx, &out->items[i], err);
    }
    return s;
}
