/* auth.c — sessions and API tokens, stored by the hash of their secret. */
#include "store/store.h"

#include <string.h>

#include "store/internal.h"

enum dk_status dk_store_session_insert(struct dk_tx *tx, const char *token_hash,
                                       const struct dk_session *sess,
                                       struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?)";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, token_hash);
    q_i64(&q, sess->user_id);
    q_text(&q, sess->csrf_token);
    q_i64(&q, dk_clock_now_ms());
    q_i64(&q, sess->expires_at_ms);
    return q_exec(&q, err);
}

enum dk_status dk_store_session_get(struct dk_tx *tx, const char *token_hash,
                                    int64_t now_ms, struct dk_session *out,
                                    struct dk_err *err)
{
    static const char sql[] =
        "SELECT id, user_id, csrf_token, expires_at FROM sessions "
        "WHERE token_hash = ? AND expires_at > ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, token_hash);
    q_i64(&q, now_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        out->id = q_col_i64(&q, 0);
        out->user_id = q_col_i64(&q, 1);
        out->csrf_token = q_col_text(&q, 2);
        out->expires_at_ms = q_col_i64(&q, 3);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "session not found");
    }
    return s;
}

static enum dk_status delete_by(struct dk_tx *tx, const char *sql, int64_t id,
                                struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, id);
    return q_exec(&q, err);
}

enum dk_status dk_store_session_delete(struct dk_tx *tx, int64_t id,
                                       struct dk_err *err)
{
    static const char sql[] = "DELETE FROM sessions WHERE id = ?";
    return delete_by(tx, sql, id, err);
}

enum dk_status dk_store_session_delete_user(struct dk_tx *tx, int64_t user_id,
                                            struct dk_err *err)
{
    static const char sql[] = "DELETE FROM sessions WHERE user_id = ?";
    return delete_by(tx, sql, user_id, err);
}

enum dk_status dk_store_token_insert(struct dk_tx *tx, const char *token_hash,
                                     const struct dk_token *t, int64_t *id_out,
                                     struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
        "VALUES (?, ?, ?, ?) RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, token_hash);
    q_i64(&q, t->user_id);
    q_text(&q, t->name);
    q_i64(&q, t->created_at_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
    }
    q_close(&q);
    return s;
}

#define TOKEN_COLUMNS "id, user_id, name, created_at, last_used_at, revoked_at"

static void read_token(struct q *q, struct dk_token *t)
{
    t->id = q_col_i64(q, 0);
    t->user_id = q_col_i64(q, 1);
    t->name = q_col_text(q, 2);
    t->created_at_ms = q_col_i64(q, 3);
    t->last_used_at_ms = q_col_i64(q, 4);
    t->revoked_at_ms = q_col_i64(q, 5);
}

static enum dk_status token_get_where(struct dk_tx *tx, const char *sql,
                                      const char *text, int64_t id,
                                      struct dk_token *out, struct dk_err *err)
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
        read_token(&q, out);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "token not found");
    }
    return s;
}

enum dk_status dk_store_token_get_by_hash(struct dk_tx *tx,
                                          const char *token_hash,
                                          struct dk_token *out,
                                          struct dk_err *err)
{
    static const char sql[] = "SELECT " TOKEN_COLUMNS " FROM api_tokens "
                              "WHERE token_hash = ? AND revoked_at IS NULL";
    return token_get_where(tx, sql, token_hash, 0, out, err);
}

enum dk_status dk_store_token_get(struct dk_tx *tx, int64_t id,
                                  struct dk_token *out, struct dk_err *err)
{
    static const char sql[] = "SELECT " TOKEN_COLUMNS " FROM api_tokens "
                              "WHERE id = ? AND revoked_at IS NULL";
    return token_get_where(tx, sql, NULL, id, out, err);
}

/* Keys a page cursor to this list. */
enum { TOKEN_CURSOR_SIGNATURE = 0x746b6e31 };

enum dk_status dk_store_token_page(struct dk_tx *tx, int64_t user_id,
                                   const struct dk_page_query *pq,
                                   struct dk_token_page *out,
                                   struct dk_err *err)
{
    static const char count_sql[] = "SELECT COUNT(*) FROM api_tokens "
                                    "WHERE user_id = ? AND revoked_at IS NULL";
    static const char sql[] = "SELECT " TOKEN_COLUMNS " FROM api_tokens "
                              "WHERE user_id = ? AND revoked_at IS NULL "
                              "AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?";
    memset(out, 0, sizeof(*out));
    int64_t before_id = 0;
    enum dk_status s = DK_OK;
    if (pq->cursor) {
        s = store_id_cursor_decode(tx->arena, pq->cursor,
                                   TOKEN_CURSOR_SIGNATURE, &before_id, err);
    }
    if (s == DK_OK) {
        s = store_count(tx, count_sql, user_id, &out->total, err);
    }
    struct q q;
    if (s == DK_OK) {
        s = q_open(&q, tx, sql, err);
    }
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, user_id);
    q_i64(&q, pq->cursor ? 1 : 0);
    q_i64(&q, before_id);
    q_i64(&q, (int64_t)pq->limit + 1);
    /* One row past the page tells whether there is a next one. */
    out->items = dk_arena_calloc(tx->arena, pq->limit + 1, sizeof(*out->items));
    while (q_next(&q, &s, err) && out->n_items <= pq->limit) {
        read_token(&q, &out->items[out->n_items++]);
    }
    q_close(&q);
    if (s == DK_OK && out->n_items > pq->limit) {
        out->n_items = pq->limit;
        out->next_cursor = store_id_cursor_encode(
            tx->arena, TOKEN_CURSOR_SIGNATURE, out->items[pq->limit - 1].id);
    }
    return s;
}

static enum dk_status revoke_where(struct dk_tx *tx, const char *sql,
                                   int64_t id, int64_t now_ms,
                                   struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, now_ms);
    q_i64(&q, id);
    return q_exec(&q, err);
}

enum dk_status dk_store_token_revoke(struct dk_tx *tx, int64_t id,
                                     int64_t now_ms, struct dk_err *err)
{
    static const char sql[] = "UPDATE api_tokens SET revoked_at = ? "
                              "WHERE id = ? AND revoked_at IS NULL";
    return revoke_where(tx, sql, id, now_ms, err);
}

enum dk_status dk_store_token_revoke_user(struct dk_tx *tx, int64_t user_id,
                                          int64_t now_ms, struct dk_err *err)
{
    static const char sql[] = "UPDATE api_tokens SET revoked_at = ? "
                              "WHERE user_id = ? AND revoked_at IS NULL";
    return revoke_where(tx, sql, user_id, now_ms, err);
}
