/* groups.c — groups of agents and their members. */
#include "store/store.h"

#include <string.h>

#include "store/internal.h"

enum { MAX_MEMBERS = 10000 };

enum dk_status dk_store_group_get(struct dk_tx *tx, int64_t id,
                                  struct dk_ref *out, struct dk_err *err)
{
    static const char sql[] = "SELECT id, name FROM groups WHERE id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, id);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        out->id = q_col_i64(&q, 0);
        out->name = q_col_text(&q, 1);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return dk_fail(err, DK_NOT_FOUND, "group_id", "group %lld not found",
                       (long long)id);
    }
    return s;
}

static enum dk_status read_members(struct dk_tx *tx, struct dk_group *g,
                                   struct dk_err *err)
{
    static const char sql[] = "SELECT user_id FROM group_members "
                              "WHERE group_id = ? ORDER BY user_id LIMIT ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, g->id);
    q_i64(&q, MAX_MEMBERS);
    size_t cap = 16;
    g->members.items = dk_arena_calloc(tx->arena, cap, sizeof(int64_t));
    g->members.n_items = 0;
    while (q_next(&q, &s, err)) {
        if (g->members.n_items == cap) {
            int64_t *more =
                dk_arena_calloc(tx->arena, cap * 2, sizeof(int64_t));
            memcpy(more, g->members.items, cap * sizeof(int64_t));
            g->members.items = more;
            cap *= 2;
        }
        g->members.items[g->members.n_items++] = q_col_i64(&q, 0);
    }
    q_close(&q);
    return s;
}

#define GROUP_SELECT "SELECT id, name, assignment, created_at FROM groups "

static void read_group(struct q *q, struct dk_group *g)
{
    g->id = q_col_i64(q, 0);
    g->name = q_col_text(q, 1);
    g->assignment = q_col_text(q, 2);
    g->created_at_ms = q_col_i64(q, 3);
}

enum dk_status dk_store_group_read(struct dk_tx *tx, int64_t id,
                                   struct dk_group *out, struct dk_err *err)
{
    static const char sql[] = GROUP_SELECT "WHERE id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, id);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        read_group(&q, out);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "group %lld not found",
                       (long long)id);
    }
    return s == DK_OK ? read_members(tx, out, err) : s;
}

/* Keys a page cursor to this list. */
enum { GROUP_CURSOR_SIGNATURE = 0x67727031 };

enum dk_status dk_store_group_page(struct dk_tx *tx,
                                   const struct dk_page_query *pq,
                                   struct dk_group_page *out,
                                   struct dk_err *err)
{
    static const char count_sql[] = "SELECT COUNT(*) FROM groups";
    static const char sql[] =
        GROUP_SELECT "WHERE ? = 0 OR name > ? OR (name = ? AND id > ?) "
                     "ORDER BY name, id LIMIT ?";
    memset(out, 0, sizeof(*out));
    const char *name = "";
    int64_t id = 0;
    enum dk_status s = DK_OK;
    if (pq->cursor) {
        s = store_key_cursor_decode(tx->arena, pq->cursor,
                                    GROUP_CURSOR_SIGNATURE, &name, &id, err);
    }
    if (s == DK_OK) {
        s = store_count(tx, count_sql, 0, &out->total, err);
    }
    struct q q;
    if (s == DK_OK) {
        s = q_open(&q, tx, sql, err);
    }
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, pq->cursor ? 1 : 0);
    q_text(&q, name);
    q_text(&q, name);
    q_i64(&q, id);
    q_i64(&q, (int64_t)pq->limit + 1);
    /* One row past the page tells whether there is a next one. */
    out->items = dk_arena_calloc(tx->arena, pq->limit + 1, sizeof(*out->items));
    while (q_next(&q, &s, err) && out->n_items <= pq->limit) {
        read_group(&q, &out->items[out->n_items++]);
    }
    q_close(&q);
    if (s == DK_OK && out->n_items > pq->limit) {
        const struct dk_group *last = &out->items[pq->limit - 1];
        out->n_items = pq->limit;
        out->next_cursor = store_key_cursor_encode(
            tx->arena, GROUP_CURSOR_SIGNATURE, last->name, last->id);
    }
    for (size_t i = 0; s == DK_OK && i < out->n_items; i++) {
        s = read_members(tx, &out->items[i], err);
    }
    return s;
}

static enum dk_status write_members(struct dk_tx *tx, int64_t group_id,
                                    const struct dk_ids *members,
                                    struct dk_err *err)
{
    static const char clear_sql[] = "DELETE FROM group_members "
                                    "WHERE group_id = ?";
    static const char insert_sql[] =
        "INSERT INTO group_members (group_id, user_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING";
    struct q q;
    enum dk_status s = q_open(&q, tx, clear_sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, group_id);
    s = q_exec(&q, err);
    for (size_t i = 0; s == DK_OK && i < members->n_items; i++) {
        s = q_open(&q, tx, insert_sql, err);
        if (s == DK_OK) {
            q_i64(&q, group_id);
            q_i64(&q, members->items[i]);
            s = q_exec(&q, err);
        }
    }
    return s;
}

static enum dk_status name_taken(const struct dk_group *g, struct dk_err *err)
{
    return dk_fail(err, DK_CONFLICT, "name", "a group named '%s' exists",
                   g->name);
}

enum dk_status dk_store_group_insert(struct dk_tx *tx, const struct dk_group *g,
                                     int64_t *id_out, struct dk_err *err)
{
    static const char sql[] = "INSERT INTO groups (name, assignment, "
                              "created_at) VALUES (?, ?, ?) RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, g->name);
    q_text(&q, g->assignment);
    q_i64(&q, g->created_at_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
    }
    q_close(&q);
    if (s == DK_CONFLICT) {
        return name_taken(g, err);
    }
    return s == DK_OK ? write_members(tx, *id_out, &g->members, err) : s;
}

enum dk_status dk_store_group_update(struct dk_tx *tx, const struct dk_group *g,
                                     struct dk_err *err)
{
    static const char sql[] = "UPDATE groups SET name = ?, assignment = ? "
                              "WHERE id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, g->name);
    q_text(&q, g->assignment);
    q_i64(&q, g->id);
    s = q_exec(&q, err);
    if (s == DK_CONFLICT) {
        return name_taken(g, err);
    }
    return s == DK_OK ? write_members(tx, g->id, &g->members, err) : s;
}

enum dk_status dk_store_group_delete(struct dk_tx *tx, int64_t id,
                                     struct dk_err *err)
{
    static const char *const sqls[] = {
        "UPDATE tickets SET group_id = NULL WHERE group_id = ?",
        "DELETE FROM group_members WHERE group_id = ?",
        "DELETE FROM groups WHERE id = ?",
    };
    enum dk_status s = DK_OK;
    for (size_t i = 0; s == DK_OK && i < sizeof(sqls) / sizeof(sqls[0]); i++) {
        struct q q;
        s = q_open(&q, tx, sqls[i], err);
        if (s == DK_OK) {
            q_i64(&q, id);
            s = q_exec(&q, err);
        }
    }
    return s;
}
