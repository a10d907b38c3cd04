/* events.c — the event log (history, realtime feed). */
#include "store/store.h"

#include <string.h>

#include "store/internal.h"

enum dk_status dk_store_event_insert(struct dk_tx *tx, const struct dk_event *e,
                                     int64_t *id_out, struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO events (at, actor_id, type, ticket_id, ticket_number, "
        "requester_id, is_internal, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, e->at_ms);
    q_i64_or_null(&q, e->actor.id);
    q_text(&q, e->type);
    q_i64_or_null(&q, e->ticket_id);
    q_i64_or_null(&q, e->ticket_number);
    q_i64_or_null(&q, e->requester_id);
    q_i64(&q, e->is_internal);
    q_text(&q, e->data);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
        tx->last_event_id = *id_out;
    }
    q_close(&q);
    return s;
}

#define EVENT_SELECT                                                        \
    "SELECT e.id, e.at, e.actor_id, u.name, e.type, e.ticket_id, "          \
    "e.ticket_number, e.requester_id, e.is_internal, e.data FROM events e " \
    "LEFT JOIN users u ON u.id = e.actor_id "

static enum dk_status read_events(struct q *q, unsigned cap,
                                  struct dk_event **items, size_t *n_items,
                                  struct dk_err *err)
{
    struct dk_arena *arena = q->tx->arena;
    size_t n_cap = cap < 64 ? cap : 64;
    *items = dk_arena_calloc(arena, n_cap, sizeof(**items));
    *n_items = 0;
    enum dk_status s;
    while (q_next(q, &s, err)) {
        if (*n_items == n_cap) {
            struct dk_event *more =
                dk_arena_calloc(arena, n_cap * 2, sizeof(*more));
            memcpy(more, *items, n_cap * sizeof(*more));
            *items = more;
            n_cap *= 2;
        }
        struct dk_event *e = &(*items)[(*n_items)++];
        e->id = q_col_i64(q, 0);
        e->at_ms = q_col_i64(q, 1);
        e->actor.id = q_col_i64(q, 2);
        e->actor.name = q_col_text(q, 3);
        e->type = q_col_text(q, 4);
        e->ticket_id = q_col_i64(q, 5);
        e->ticket_number = q_col_i64(q, 6);
        e->requester_id = q_col_i64(q, 7);
        e->is_internal = q_col_bool(q, 8);
        e->data = q_col_text(q, 9);
    }
    q_close(q);
    return s;
}

/* Keys a page cursor to this list: a ticket cursor is refused here. */
enum { EVENT_CURSOR_SIGNATURE = 0x65767431 };

/* The filter of a ticket's history: its events, without the internal ones
 * and those of other requesters when asked. */
#define EVENT_OF_TICKET                                       \
    "WHERE e.ticket_id = ? AND (? = 0 OR e.is_internal = 0) " \
    "AND (? = 0 OR e.requester_id = ?) "

static void bind_thread_filter(struct q *q, const struct dk_thread_query *tq)
{
    q_i64(q, tq->ticket_id);
    q_i64(q, tq->is_internal_hidden ? 1 : 0);
    q_i64(q, tq->scope_requester_id);
    q_i64(q, tq->scope_requester_id);
}

static enum dk_status count_events(struct dk_tx *tx,
                                   const struct dk_thread_query *tq,
                                   int64_t *total, struct dk_err *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM events e " EVENT_OF_TICKET;
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bind_thread_filter(&q, tq);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *total = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}

enum dk_status dk_store_event_page(struct dk_tx *tx,
                                   const struct dk_thread_query *tq,
                                   struct dk_event_page *out,
                                   struct dk_err *err)
{
    static const char sql[] =
        EVENT_SELECT EVENT_OF_TICKET "AND e.id > ? ORDER BY e.id LIMIT ?";
    memset(out, 0, sizeof(*out));
    int64_t after_id = 0;
    enum dk_status s = DK_OK;
    if (tq->cursor) {
        s = store_id_cursor_decode(tx->arena, tq->cursor,
                                   EVENT_CURSOR_SIGNATURE, &after_id, err);
    }
    if (s == DK_OK) {
        s = count_events(tx, tq, &out->total, err);
    }
    struct q q;
    if (s == DK_OK) {
        s = q_open(&q, tx, sql, err);
    }
    if (s != DK_OK) {
        return s;
    }
    bind_thread_filter(&q, tq);
    q_i64(&q, after_id);
    /* One row past the page tells whether there is a next one. */
    q_i64(&q, (int64_t)tq->limit + 1);
    s = read_events(&q, tq->limit + 1, &out->items, &out->n_items, err);
    if (s == DK_OK && out->n_items > tq->limit) {
        out->n_items = tq->limit;
        out->next_cursor = store_id_cursor_encode(
            tx->arena, EVENT_CURSOR_SIGNATURE, out->items[tq->limit - 1].id);
    }
    return s;
}

enum dk_status dk_store_event_list_after(struct dk_tx *tx, int64_t after_id,
                                         unsigned limit,
                                         struct dk_event **items,
                                         size_t *n_items, struct dk_err *err)
{
    static const char sql[] = EVENT_SELECT "WHERE e.id > ? ORDER BY e.id "
                                           "LIMIT ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, after_id);
    q_i64(&q, limit);
    return read_events(&q, limit, items, n_items, err);
}
