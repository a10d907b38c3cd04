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
/* A page: after the cursor's (position, id) when the first value is 1. */
static const char page_status_sql[] =
    "SELECT id, key, name, category, position, retired FROM statuses "
    "WHERE ? = 0 OR position > ? OR (position = ? AND id > ?) "
    "ORDER BY position, id LIMIT ?";
static const char page_priority_sql[] =
    "SELECT id, key, name, NULL, position, retired FROM priorities "
    "WHERE ? = 0 OR position > ? OR (position = ? AND id > ?) "
    "ORDER BY position, id LIMIT ?";
static const char count_status_sql[] = "SELECT COUNT(*) FROM statuses";
static const char count_priority_sql[] = "SELECT COUNT(*) FROM priorities";
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
/* The sort positions stored on ticket rows (0002_list_keys.sql). */
static const char sync_status_sql[] =
    "UPDATE tickets SET status_position = ? WHERE status_id = ?";
static const char sync_priority_sql[] =
    "UPDATE tickets SET priority_position = ? WHERE priority_id = ?";
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

/* Keys a cursor to its table: a status cursor is refused for priorities. */
static uint32_t cursor_signature(enum dk_enum_table table)
{
    return table == DK_ENUM_STATUS ? 0x73747331u : 0x70727931u;
}

/* The (position, id) after which a page starts; none without a cursor. */
static enum dk_status decode_cursor(struct dk_tx *tx, enum dk_enum_table table,
                                    const char *cursor, int64_t *position,
                                    int64_t *id, struct dk_err *err)
{
    const char *key = NULL;
    enum dk_status s = store_key_cursor_decode(
        tx->arena, cursor, cursor_signature(table), &key, id, err);
    if (s == DK_OK && !dk_parse_i64(dk_str_cstr(key), position)) {
        return dk_fail(err, DK_INVALID, "cursor",
                       "invalid cursor for this query");
    }
    return s;
}

enum dk_status dk_store_enum_page(struct dk_tx *tx, enum dk_enum_table table,
                                  const struct dk_page_query *pq,
                                  struct dk_enum_page *out, struct dk_err *err)
{
    bool is_status = table == DK_ENUM_STATUS;
    memset(out, 0, sizeof(*out));
    int64_t position = 0;
    int64_t id = 0;
    enum dk_status s = DK_OK;
    if (pq->cursor) {
        s = decode_cursor(tx, table, pq->cursor, &position, &id, err);
    }
    if (s == DK_OK) {
        s = store_count(tx, is_status ? count_status_sql : count_priority_sql,
                        0, &out->total, err);
    }
    struct q q;
    if (s == DK_OK) {
        s = q_open(&q, tx, is_status ? page_status_sql : page_priority_sql,
                   err);
    }
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, pq->cursor ? 1 : 0);
    q_i64(&q, position);
    q_i64(&q, position);
    q_i64(&q, id);
    q_i64(&q, (int64_t)pq->limit + 1);
    /* One row past the page tells whether there is a next one. */
    out->items = dk_arena_calloc(tx->arena, pq->limit + 1, sizeof(*out->items));
    while (q_next(&q, &s, err) && out->n_items <= pq->limit) {
        read_value(&q, &out->items[out->n_items++]);
    }
    q_close(&q);
    if (s == DK_OK && out->n_items > pq->limit) {
        const struct dk_enum_value *last = &out->items[pq->limit - 1];
        out->n_items = pq->limit;
        out->next_cursor = store_key_cursor_encode(
            tx->arena, cursor_signature(table),
            dk_arena_printf(tx->arena, "%lld", (long long)last->position),
            last->id);
    }
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

/* After a reorder: the tickets of every value whose position moved take its
 * new position, so sorting by status or priority stays an index walk. Only
 * moved values are touched, through the (status_id, number) index. */
static enum dk_status sync_positions(struct dk_tx *tx, enum dk_enum_table table,
                                     const struct dk_enum_value *before,
                                     size_t n_before, struct dk_err *err)
{
    struct dk_enum_value *after = NULL;
    size_t n_after = 0;
    enum dk_status s = dk_store_enum_list(tx, table, &after, &n_after, err);
    for (size_t i = 0; s == DK_OK && i < n_after; i++) {
        bool has_moved = true;
        for (size_t j = 0; j < n_before; j++) {
            if (before[j].id == after[i].id) {
                has_moved = before[j].position != after[i].position;
            }
        }
        struct q q;
        if (!has_moved) {
            continue;
        }
        s = q_open(
            &q, tx,
            table == DK_ENUM_STATUS ? sync_status_sql : sync_priority_sql, err);
        if (s == DK_OK) {
            q_i64(&q, after[i].position);
            q_i64(&q, after[i].id);
            s = q_exec(&q, err);
        }
    }
    return s;
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
    struct dk_enum_value *before = NULL;
    size_t n_before = 0;
    int64_t max = 0;
    enum dk_status s = dk_store_enum_list(tx, table, &before, &n_before, err);
    if (s == DK_OK) {
        s = max_position(tx, table, &max, err);
    }
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
    if (s == DK_OK) {
        s = sync_positions(tx, table, before, n_before, err);
    }
    return s;
}

enum dk_status dk_store_enum_update(struct dk_tx *tx, enum dk_enum_table table,
                                    const struct dk_enum_value *v,
                                    struct dk_err *err)
{
    struct dk_enum_value old;
    struct dk_enum_value *before = NULL;
    size_t n_before = 0;
    enum dk_status s = dk_store_enum_get(tx, table, v->key, &old, err);
    if (s == DK_OK) {
        s = dk_store_enum_list(tx, table, &before, &n_before, err);
    }
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
    s = q_exec(&q, err);
    if (s == DK_OK && position != old.position) {
        s = sync_positions(tx, table, before, n_before, err);
    }
    return s;
}
