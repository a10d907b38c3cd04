/* messages.c — the thread of a ticket and its attachments (content stored
 * once per SHA-256 in blobs). */
#include "store/store.h"

#include <string.h>

#include "store/internal.h"

enum dk_status dk_store_message_insert(struct dk_tx *tx,
                                       const struct dk_message *m,
                                       int64_t *id_out, struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO messages (ticket_id, kind, author_id, body, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, m->ticket_id);
    q_text(&q, m->kind);
    q_i64_or_null(&q, m->author.id);
    q_text(&q, m->body);
    q_i64(&q, m->created_at_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
    }
    q_close(&q);
    return s;
}

#define ATTACHMENT_COLUMNS                                                  \
    "a.id, a.sha256, a.name, a.type, a.size, a.uploaded_by, a.message_id, " \
    "t.number, m.kind, a.created_at"

static void read_attachment(struct q *q, struct dk_attachment *a)
{
    a->id = q_col_i64(q, 0);
    a->sha256 = q_col_text(q, 1);
    a->name = q_col_text(q, 2);
    a->type = q_col_text(q, 3);
    a->size = q_col_i64(q, 4);
    a->uploaded_by = q_col_i64(q, 5);
    a->message_id = q_col_i64(q, 6);
    a->ticket_number = q_col_i64(q, 7);
    a->message_kind = q_col_text(q, 8);
    a->created_at_ms = q_col_i64(q, 9);
}

static enum dk_status read_message_attachments(struct dk_tx *tx,
                                               struct dk_message *m,
                                               struct dk_err *err)
{
    static const char sql[] =
        "SELECT " ATTACHMENT_COLUMNS " FROM attachments a "
        "JOIN messages m ON m.id = a.message_id "
        "JOIN tickets t ON t.id = m.ticket_id WHERE a.message_id = ? "
        "ORDER BY a.id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, m->id);
    m->attachments = dk_arena_calloc(tx->arena, DK_MAX_ATTACHMENTS_PER_MESSAGE,
                                     sizeof(*m->attachments));
    m->n_attachments = 0;
    while (q_next(&q, &s, err) &&
           m->n_attachments < DK_MAX_ATTACHMENTS_PER_MESSAGE) {
        read_attachment(&q, &m->attachments[m->n_attachments++]);
    }
    q_close(&q);
    return s;
}

/* A reply has one outbox job, its email (core/messages.c queue_reply). */
#define MESSAGE_SELECT                                                  \
    "SELECT m.id, m.ticket_id, t.number, m.kind, m.author_id, u.name, " \
    "m.body, m.created_at, o.state, o.attempts, o.next_attempt_at, "    \
    "o.done_at, o.last_error FROM messages m "                          \
    "JOIN tickets t ON t.id = m.ticket_id "                             \
    "LEFT JOIN users u ON u.id = m.author_id "                          \
    "LEFT JOIN outbox o ON o.message_id = m.id AND o.kind = 'email.reply' "

/* Keys a page cursor to this list: a ticket cursor is refused here. */
enum { MESSAGE_CURSOR_SIGNATURE = 0x6d736731 };

/* Reads the rows of q (at most cap) and their attachments into items. */
static enum dk_status read_messages(struct dk_tx *tx, struct q *q, size_t cap,
                                    struct dk_message *items, size_t *n_items,
                                    struct dk_err *err)
{
    enum dk_status s;
    *n_items = 0;
    while (q_next(q, &s, err) && *n_items < cap) {
        struct dk_message *m = &items[(*n_items)++];
        m->id = q_col_i64(q, 0);
        m->ticket_id = q_col_i64(q, 1);
        m->ticket_number = q_col_i64(q, 2);
        m->kind = q_col_text(q, 3);
        m->author.id = q_col_i64(q, 4);
        m->author.name = q_col_text(q, 5);
        m->body = q_col_text(q, 6);
        m->created_at_ms = q_col_i64(q, 7);
        m->delivery = (struct dk_delivery){
            .state = q_col_text(q, 8),
            .attempts = q_col_i64(q, 9),
            .next_attempt_at_ms = q_col_i64(q, 10),
            .done_at_ms = q_col_i64(q, 11),
            .last_error = q_col_text(q, 12),
        };
    }
    q_close(q);
    for (size_t i = 0; s == DK_OK && i < *n_items; i++) {
        s = read_message_attachments(tx, &items[i], err);
    }
    return s;
}

static enum dk_status count_messages(struct dk_tx *tx,
                                     const struct dk_thread_query *tq,
                                     int64_t *total, struct dk_err *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM messages m "
                              "WHERE m.ticket_id = ? "
                              "AND (? = 0 OR m.kind <> 'note')";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, tq->ticket_id);
    q_i64(&q, tq->is_internal_hidden ? 1 : 0);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *total = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}

enum dk_status dk_store_message_page(struct dk_tx *tx,
                                     const struct dk_thread_query *tq,
                                     struct dk_message_page *out,
                                     struct dk_err *err)
{
    static const char sql[] =
        MESSAGE_SELECT "WHERE m.ticket_id = ? AND (? = 0 OR m.kind <> 'note') "
                       "AND m.id > ? ORDER BY m.id LIMIT ?";
    memset(out, 0, sizeof(*out));
    int64_t after_id = 0;
    enum dk_status s = DK_OK;
    if (tq->cursor) {
        s = store_id_cursor_decode(tx->arena, tq->cursor,
                                   MESSAGE_CURSOR_SIGNATURE, &after_id, err);
    }
    if (s == DK_OK) {
        s = count_messages(tx, tq, &out->total, err);
    }
    struct q q;
    if (s == DK_OK) {
        s = q_open(&q, tx, sql, err);
    }
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, tq->ticket_id);
    q_i64(&q, tq->is_internal_hidden ? 1 : 0);
    q_i64(&q, after_id);
    q_i64(&q, (int64_t)tq->limit + 1);
    /* One row past the page tells whether there is a next one. */
    out->items = dk_arena_calloc(tx->arena, tq->limit + 1, sizeof(*out->items));
    s = read_messages(tx, &q, tq->limit + 1, out->items, &out->n_items, err);
    if (s == DK_OK && out->n_items > tq->limit) {
        out->n_items = tq->limit;
        out->next_cursor = store_id_cursor_encode(
            tx->arena, MESSAGE_CURSOR_SIGNATURE, out->items[tq->limit - 1].id);
    }
    return s;
}

enum dk_status dk_store_message_get(struct dk_tx *tx, int64_t id,
                                    struct dk_message *out, struct dk_err *err)
{
    static const char sql[] = MESSAGE_SELECT "WHERE m.id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, id);
    size_t n = 0;
    s = read_messages(tx, &q, 1, out, &n, err);
    if (s == DK_OK && n == 0) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "message %lld not found",
                       (long long)id);
    }
    return s;
}

enum dk_status dk_store_attachment_insert(struct dk_tx *tx,
                                          const struct dk_attachment *a,
                                          const void *data, int64_t *id_out,
                                          struct dk_err *err)
{
    static const char blob_sql[] =
        "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) "
        "ON CONFLICT (sha256) DO NOTHING";
    static const char sql[] =
        "INSERT INTO attachments (sha256, name, type, size, uploaded_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, blob_sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, a->sha256);
    q_i64(&q, a->size);
    q_blob(&q, data, (size_t)a->size);
    s = q_exec(&q, err);
    if (s != DK_OK) {
        return s;
    }
    s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, a->sha256);
    q_text(&q, a->name);
    q_text(&q, a->type);
    q_i64(&q, a->size);
    q_i64_or_null(&q, a->uploaded_by);
    q_i64(&q, a->created_at_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
    }
    q_close(&q);
    return s;
}

enum dk_status dk_store_attachment_get(struct dk_tx *tx, int64_t id,
                                       struct dk_attachment *out,
                                       struct dk_err *err)
{
    static const char sql[] =
        "SELECT " ATTACHMENT_COLUMNS " FROM attachments a LEFT JOIN messages m "
        "ON m.id = a.message_id LEFT JOIN tickets t "
        "ON t.id = m.ticket_id WHERE a.id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, id);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        read_attachment(&q, out);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "attachment %lld not found",
                       (long long)id);
    }
    return s;
}

enum dk_status dk_store_blob_get(struct dk_tx *tx, const char *sha256,
                                 const void **data, size_t *len,
                                 struct dk_err *err)
{
    static const char sql[] = "SELECT data FROM blobs WHERE sha256 = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_text(&q, sha256);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        size_t n = 0;
        const void *p = tx->store->ops->col_blob(q.st, 0, &n);
        void *copy = dk_arena_alloc(tx->arena, n ? n : 1);
        if (n) {
            memcpy(copy, p, n);
        }
        *data = copy;
        *len = n;
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return store_internal(err, "read blob", "blob missing");
    }
    return s;
}

enum dk_status dk_store_attachment_link(struct dk_tx *tx, int64_t id,
                                        int64_t message_id, struct dk_err *err)
{
    static const char sql[] = "UPDATE attachments SET message_id = ? "
                              "WHERE id = ? AND message_id IS NULL";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, message_id);
    q_i64(&q, id);
    s = q_exec(&q, err);
    if (s == DK_OK && tx->store->ops->changes(tx->conn) != 1) {
        return dk_fail(err, DK_CONFLICT, "attachments",
                       "attachment %lld is already on a message",
                       (long long)id);
    }
    return s;
}
