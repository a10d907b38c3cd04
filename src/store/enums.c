/* enums.c — statuses and priorities (one shape, two tables). */
#include "store/store.h"

#include <string.h>

#include "store/internal.h"

/* Statements per table, indexed by enum dk_enum_table. Priorities have no
 * category; NULL is read in its place. */
static const char list_status_sql[] =
    "SELECT id, key, name, category, position, retired FROM statuses "
    "ORDER BY position, id";
static const char list_priority_sql[] =
    "SELECT id, key, name, NULL, position, retired FROM priorities "
    "ORDER BY position, id";
static const char get_status_sql[] =
    "SELECT id, key, name, category, position, retired FROM statuses "
    "WHERE key = ?";
static const char get_priority_sql[] =
    "SELECT id, key, name, NULL, position, retired FROM priorities "
    "WHERE key = ?";
static const char shift_status_sql[] =
    "UPDATE statuses SET position = position + ? "
    "WHERE position >= ? AND position <= ? AND key <> ?";
static const char shift_priority_sql[] =
    "UPDATE priorities SET position = position + ? "
    "WHERE position >= ? AND position <= ? AND key <> ?";
static const char insert_status_sql[] =
    "INSERT INTO statuses (key, name, category, position, retired) "
    "VALUES (?, ?, ?, ?, ?)";
static const char insert_priority_sql[] =
    "INSERT INTO priorities (key, name, position, retired) "
    "VALUES (?, ?, ?, ?)";
static const char update_status_sql[] =
    "UPDATE statuses SET name = ?, category = ?, position = ?, retired = ? "
    "WHERE key = ?";
static const char update_priority_sql[] =
    "UPDATE priorities SET name = ?, position = ?, retired = ? "
    "WHERE key = ?";
static const char max_status_sql[] =
    "SELECT COALESCE(MAX(position), 0) FROM statuses";
static const char max_priority_sql[] =
    "SELECT COALESCE(MAX(position), 0) FROM priorities";

static void read_value(struct q *q, struct dk_enum_value *v)
{
    v->id = q_col_i64(q, 0);
    v->key = q_col_text(q, 1);
    v->name = q_col_text(q, 2);
    v->category = q_col_text(q, 3);
    v->position = q_col_i64(q, 4);
    v->is_retired = q_col_bool(q, 5);
}

enum dk_status dk_store_enum_list(struct dk_tx *tx, enum dk_enum_table table,
                                  struct dk_enum_value **items, size_t *n_items,
                                  struct dk_err *err)
{
    const char *sql =
        table == DK_ENUM_STATUS ? list_status_sql : list_priority_sql;
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    size_t cap = 16;
    *items = dk_arena_calloc(tx->arena, cap, sizeof(**items));
    *n_items = 0;
    while (q_next(&q, &s, err)) {
        if (*n_items == cap) {
            struct dk_enum_value *more =
                dk_arena_calloc(tx->arena, cap * 2, sizeof(*more));
            memcpy(more, *items, cap * sizeof(*more));
            *items = more;
            cap *= 2;
        }
        read_value(&q, &(*items)[(*n_items)++]);
    }
    q_close(&q);
    return s;
}

enum dk_status dk_store_enum_get(struct dk_tx *tx, enum dk_enum_table table,
                                 const char *key, struct dk_enum_value *out,
                                 struct dk_err *err)
{
    const char *sql =
        table == DK_ENUM_STATUS ? get_status_sql : get_priority_sql;
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, key);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        read_value(&q, out);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "%s '%s' not found",
                       table == DK_ENUM_STATUS ? "status" : "priority", key);
    }
    return s;
}

static enum dk_status max_position(struct dk_tx *tx, enum dk_enum_table table,
                                   int64_t *out, struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(
        &q, tx, table == DK_ENUM_STATUS ? max_status_sql : max_priority_sql,
        err);
    if (s != DK_OK) {
        return s;
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *out = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}

/* Moves the rows in [from, to] by delta, leaving key itself alone. */
static enum dk_status shift(struct dk_tx *tx, enum dk_enum_table table,
                            int64_t delta, int64_t from, int64_t to,
                            const char *key, struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(
        &q, tx, table == DK_ENUM_STATUS ? shift_status_sql : shift_priority_sql,
        err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, delta);
    q_i64(&q, from);
    q_i64(&q, to);
    q_text(&q, key);
    return q_exec(&q, err);
}

static int64_t clamp_position(int64_t wanted, int64_t max)
{
    if (wanted < 1 || wanted > max) {
        return max;
    }
    return wanted;
}

enum dk_status dk_store_enum_insert(struct dk_tx *tx, enum dk_enum_table table,
                                    const struct dk_enum_value *v,
                                    struct dk_err *err)
{
    int64_t max = 0;
    enum dk_status s = max_position(tx, table, &max, err);
    if (s != DK_OK) {
        return s;
    }
    int64_t position = clamp_position(v->position, max + 1);
    s = shift(tx, table, 1, position, max, v->key, err);
    if (s != DK_OK) {
        return s;
    }
    struct q q;
    s = q_open(
        &q, tx,
        table == DK_ENUM_STATUS ? insert_status_sql : insert_priority_sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, v->key);
    q_text(&q, v->name);
    if (table == DK_ENUM_STATUS) {
        q_text(&q, v->category);
    }
    q_i64(&q, position);
    q_i64(&q, v->is_retired);
    s = q_exec(&q, err);
    if (s == DK_CONFLICT) {
        return dk_fail(err, DK_CONFLICT, "key", "key '%s' is already taken",
                       v->key);
    }
    return s;
}

enum dk_status dk_store_enum_update(struct dk_tx *tx, enum dk_enum_table table,
                                    const struct dk_enum_value *v,
                                    struct dk_err *err)
{
    struct dk_enum_value old;
    enum dk_status s = dk_store_enum_get(tx, table, v->key, &old, err);
    int64_t max = 0;
    if (s == DK_OK) {
        s = max_position(tx, table, &max, err);
    }
    if (s != DK_OK) {
        return s;
    }
    int64_t position = clamp_position(v->position, max);
    if (position < old.position) {
        s = shift(tx, table, 1, position, old.position - 1, v->key, err);
    } else if (position > old.position) {
        s = shift(tx, table, -1, old.position + 1, position, v->key, err);
    }
    if (s != DK_OK) {
        return s;
    }
    struct q q;
    if (table == DK_ENUM_STATUS) {
        s = q_open(&q, tx, update_status_sql, err);
    } else {
        s = q_open(&q, tx, update_priority_sql, err);
    }
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, v->name);
    if (table == DK_ENUM_STATUS) {
        q_text(&q, v->category);
    }
    q_i64(&q, position);
    q_i64(&q, v->is_retired);
    q_text(&q, v->key);
    return q_exec(&q, err);
}
