/* tickets.c — ticket rows, tags, followers, read marks, and the list query
 * (filters, full-text search, sort in both directions, keyset cursors). */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "store/internal.h"

#define TICKET_COLUMNS                                                       \
    "t.id, t.number, t.subject, t.description, s.key, s.category, p.key, "   \
    "s.position, p.position, t.assignee_id, a.name, t.group_id, g.name, "    \
    "t.requester_id, r.name, r.email, t.deadline, t.channel, t.created_at, " \
    "t.updated_at, t.first_response_at, t.resolved_at, t.closed_at, "        \
    "t.last_event_id, "                                                      \
    "CASE WHEN tr.user_id IS NULL AND ? = 0 THEN 0 "                         \
    "WHEN tr.seen_event_id IS NULL OR tr.seen_event_id < t.last_event_id "   \
    "THEN 1 ELSE 0 END"

/* The joins of every ticket read, after the FROM that names tickets "t". */
#define TICKET_JOINS                             \
    " JOIN statuses s ON s.id = t.status_id"     \
    " JOIN priorities p ON p.id = t.priority_id" \
    " JOIN users r ON r.id = t.requester_id"     \
    " LEFT JOIN users a ON a.id = t.assignee_id" \
    " LEFT JOIN groups g ON g.id = t.group_id"   \
    " LEFT JOIN ticket_reads tr ON tr.ticket_id = t.id AND tr.user_id = ?"

#define TICKET_FROM " FROM tickets t" TICKET_JOINS

static void read_ticket(struct q *q, struct dk_ticket *t)
{
    memset(t, 0, sizeof(*t));
    t->id = q_col_i64(q, 0);
    t->number = q_col_i64(q, 1);
    t->subject = q_col_text(q, 2);
    t->description = q_col_text(q, 3);
    t->status = q_col_text(q, 4);
    t->status_category = q_col_text(q, 5);
    t->priority = q_col_text(q, 6);
    t->status_position = q_col_i64(q, 7);
    t->priority_position = q_col_i64(q, 8);
    t->assignee.id = q_col_i64(q, 9);
    t->assignee.name = q_col_text(q, 10);
    t->group.id = q_col_i64(q, 11);
    t->group.name = q_col_text(q, 12);
    t->requester.id = q_col_i64(q, 13);
    t->requester.name = q_col_text(q, 14);
    t->requester_email = q_col_text(q, 15);
    t->deadline_ms = q_col_i64(q, 16);
    t->channel = q_col_text(q, 17);
    t->created_at_ms = q_col_i64(q, 18);
    t->updated_at_ms = q_col_i64(q, 19);
    t->first_response_at_ms = q_col_i64(q, 20);
    t->resolved_at_ms = q_col_i64(q, 21);
    t->closed_at_ms = q_col_i64(q, 22);
    t->last_event_id = q_col_i64(q, 23);
    t->is_unread = q_col_bool(q, 24);
}

static enum dk_status read_tags(struct dk_tx *tx, struct dk_ticket *t,
                                struct dk_err *err)
{
    static const char sql[] = "SELECT tag FROM ticket_tags WHERE ticket_id = ? "
                              "ORDER BY tag";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, t->id);
    t->tags.items =
        dk_arena_calloc(tx->arena, DK_MAX_TAGS, sizeof(*t->tags.items));
    t->tags.n_items = 0;
    while (q_next(&q, &s, err) && t->tags.n_items < DK_MAX_TAGS) {
        t->tags.items[t->tags.n_items++] = q_col_text(&q, 0);
    }
    q_close(&q);
    return s;
}

static enum dk_status read_followers(struct dk_tx *tx, struct dk_ticket *t,
                                     struct dk_err *err)
{
    static const char sql[] =
        "SELECT u.id, u.name FROM ticket_followers f "
        "JOIN users u ON u.id = f.user_id WHERE f.ticket_id = ? ORDER BY u.id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, t->id);
    t->followers =
        dk_arena_calloc(tx->arena, DK_MAX_FOLLOWERS, sizeof(*t->followers));
    t->n_followers = 0;
    while (q_next(&q, &s, err) && t->n_followers < DK_MAX_FOLLOWERS) {
        t->followers[t->n_followers].id = q_col_i64(&q, 0);
        t->followers[t->n_followers].name = q_col_text(&q, 1);
        t->n_followers++;
    }
    q_close(&q);
    return s;
}

static enum dk_status read_ticket_sets(struct dk_tx *tx, struct dk_ticket *t,
                                       struct dk_err *err)
{
    enum dk_status s = read_tags(tx, t, err);
    if (s == DK_OK) {
        s = read_followers(tx, t, err);
    }
    return s;
}

/* ---- the sets of a whole page, in two queries ----
 *
 * A page reads the tags and the followers of all its tickets at once: one
 * query per ticket and set was 100 round trips for a page of 50, which
 * dominated a page on PostgreSQL. */

static struct dk_ticket *page_ticket(struct dk_ticket *items, size_t n,
                                     size_t *hint, int64_t id)
{
    /* Rows come grouped by ticket: start where the last one was found. */
    for (size_t k = 0; k < n; k++) {
        size_t i = (*hint + k) % n;
        if (items[i].id == id) {
            *hint = i;
            return &items[i];
        }
    }
    return NULL;
}

/* Opens "head IN (the page's ticket ids) tail". */
static enum dk_status open_page_query(struct dk_tx *tx, const char *head,
                                      const struct dk_ticket *items, size_t n,
                                      const char *tail, struct q *q,
                                      struct dk_err *err)
{
    int64_t *ids = dk_arena_calloc(tx->arena, n, sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = items[i].id;
    }
    struct sqlb b;
    sqlb_init(&b, tx);
    sqlb_sql(&b, head);
    sqlb_in_i64(&b, ids, n);
    sqlb_sql(&b, tail);
    return sqlb_open(&b, q, tx, err);
}

static enum dk_status read_page_tags(struct dk_tx *tx, struct dk_ticket *items,
                                     size_t n, struct dk_err *err)
{
    struct q q;
    enum dk_status s = open_page_query(
        tx, "SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id", items, n,
        " ORDER BY ticket_id, tag", &q, err);
    if (s != DK_OK) {
        return s;
    }
    size_t hint = 0;
    while (q_next(&q, &s, err)) {
        struct dk_ticket *t = page_ticket(items, n, &hint, q_col_i64(&q, 0));
        if (t && t->tags.n_items < DK_MAX_TAGS) {
            t->tags.items[t->tags.n_items++] = q_col_text(&q, 1);
        }
    }
    q_close(&q);
    return s;
}

static enum dk_status read_page_followers(struct dk_tx *tx,
                                          struct dk_ticket *items, size_t n,
                                          struct dk_err *err)
{
    struct q q;
    enum dk_status s = open_page_query(
        tx,
        "SELECT f.ticket_id, u.id, u.name FROM ticket_followers f "
        "JOIN users u ON u.id = f.user_id WHERE f.ticket_id",
        items, n, " ORDER BY f.ticket_id, u.id", &q, err);
    if (s != DK_OK) {
        return s;
    }
    size_t hint = 0;
    while (q_next(&q, &s, err)) {
        struct dk_ticket *t = page_ticket(items, n, &hint, q_col_i64(&q, 0));
        if (t && t->n_followers < DK_MAX_FOLLOWERS) {
            t->followers[t->n_followers].id = q_col_i64(&q, 1);
            t->followers[t->n_followers].name = q_col_text(&q, 2);
            t->n_followers++;
        }
    }
    q_close(&q);
    return s;
}

static enum dk_status read_page_sets(struct dk_tx *tx, struct dk_ticket *items,
                                     size_t n, struct dk_err *err)
{
    if (!n) {
        return DK_OK;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].tags.items = dk_arena_calloc(tx->arena, DK_MAX_TAGS,
                                              sizeof(*items[i].tags.items));
        items[i].tags.n_items = 0;
        items[i].followers = dk_arena_calloc(tx->arena, DK_MAX_FOLLOWERS,
                                             sizeof(*items[i].followers));
        items[i].n_followers = 0;
    }
    enum dk_status s = read_page_tags(tx, items, n, err);
    if (s == DK_OK) {
        s = read_page_followers(tx, items, n, err);
    }
    return s;
}

enum dk_status dk_store_ticket_next_number(struct dk_tx *tx, int64_t *out,
                                           struct dk_err *err)
{
    static const char sql[] = "UPDATE counters SET value = value + 1 "
                              "WHERE name = 'ticket_number' RETURNING value";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *out = q_col_i64(&q, 0);
    }
    q_close(&q);
    if (s == DK_OK && !has_row) {
        return store_internal(err, "next ticket number", "counter missing");
    }
    return s;
}

/* Binds the scalar columns shared by insert and update, in this order:
 * subject, description, status key, priority key, assignee, group,
 * requester, deadline, channel, updated_at, first_response_at, resolved_at,
 * closed_at. */
static void bind_ticket_columns(struct q *q, const struct dk_ticket *t)
{
    q_text(q, t->subject);
    q_text(q, t->description ? t->description : "");
    q_text(q, t->status);
    q_text(q, t->priority);
    q_i64_or_null(q, t->assignee.id);
    q_i64_or_null(q, t->group.id);
    q_i64(q, t->requester.id);
    q_i64_or_null(q, t->deadline_ms);
    q_text(q, t->channel);
    q_i64(q, t->updated_at_ms);
    q_i64_or_null(q, t->first_response_at_ms);
    q_i64_or_null(q, t->resolved_at_ms);
    q_i64_or_null(q, t->closed_at_ms);
}

/* The sort positions stored on the row (0002_list_keys.sql) follow the
 * status and priority keys. */
static void bind_positions(struct q *q, const struct dk_ticket *t)
{
    q_text(q, t->status);
    q_text(q, t->priority);
}

enum dk_status dk_store_ticket_insert(struct dk_tx *tx,
                                      const struct dk_ticket *t,
                                      int64_t *id_out, struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO tickets (subject, description, status_id, priority_id, "
        "assignee_id, group_id, requester_id, deadline, channel, updated_at, "
        "first_response_at, resolved_at, closed_at, status_position, "
        "priority_position, number, created_at) "
        "VALUES (?, ?, (SELECT id FROM statuses WHERE key = ?), "
        "(SELECT id FROM priorities WHERE key = ?), ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, (SELECT position FROM statuses WHERE key = ?), "
        "(SELECT position FROM priorities WHERE key = ?), ?, ?) RETURNING id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bind_ticket_columns(&q, t);
    bind_positions(&q, t);
    q_i64(&q, t->number);
    q_i64(&q, t->created_at_ms);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        *id_out = q_col_i64(&q, 0);
    }
    q_close(&q);
    return s;
}

enum dk_status dk_store_ticket_update(struct dk_tx *tx,
                                      const struct dk_ticket *t,
                                      struct dk_err *err)
{
    static const char sql[] =
        "UPDATE tickets SET subject = ?, description = ?, "
        "status_id = (SELECT id FROM statuses WHERE key = ?), "
        "priority_id = (SELECT id FROM priorities WHERE key = ?), "
        "assignee_id = ?, group_id = ?, requester_id = ?, deadline = ?, "
        "channel = ?, updated_at = ?, first_response_at = ?, "
        "resolved_at = ?, closed_at = ?, "
        "status_position = (SELECT position FROM statuses WHERE key = ?), "
        "priority_position = (SELECT position FROM priorities WHERE key = ?) "
        "WHERE id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    bind_ticket_columns(&q, t);
    bind_positions(&q, t);
    q_i64(&q, t->id);
    return q_exec(&q, err);
}

static enum dk_status delete_sets(struct dk_tx *tx, const char *sql,
                                  int64_t ticket_id, struct dk_err *err)
{
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, ticket_id);
    return q_exec(&q, err);
}

enum dk_status dk_store_ticket_set_tags(struct dk_tx *tx, int64_t ticket_id,
                                        const struct dk_strs *tags,
                                        struct dk_err *err)
{
    static const char clear_sql[] = "DELETE FROM ticket_tags "
                                    "WHERE ticket_id = ?";
    static const char insert_sql[] = "INSERT INTO ticket_tags (ticket_id, tag) "
                                     "VALUES (?, ?) ON CONFLICT DO NOTHING";
    enum dk_status s = delete_sets(tx, clear_sql, ticket_id, err);
    for (size_t i = 0; s == DK_OK && i < tags->n_items; i++) {
        struct q q;
        s = q_open(&q, tx, insert_sql, err);
        if (s == DK_OK) {
            q_i64(&q, ticket_id);
            q_text(&q, tags->items[i]);
            s = q_exec(&q, err);
        }
    }
    return s;
}

enum dk_status dk_store_ticket_set_followers(struct dk_tx *tx,
                                             int64_t ticket_id,
                                             const struct dk_ids *user_ids,
                                             struct dk_err *err)
{
    static const char clear_sql[] = "DELETE FROM ticket_followers "
                                    "WHERE ticket_id = ?";
    static const char insert_sql[] =
        "INSERT INTO ticket_followers (ticket_id, user_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING";
    enum dk_status s = delete_sets(tx, clear_sql, ticket_id, err);
    for (size_t i = 0; s == DK_OK && i < user_ids->n_items; i++) {
        struct q q;
        s = q_open(&q, tx, insert_sql, err);
        if (s == DK_OK) {
            q_i64(&q, ticket_id);
            q_i64(&q, user_ids->items[i]);
            s = q_exec(&q, err);
        }
    }
    return s;
}

enum dk_status dk_store_ticket_touch(struct dk_tx *tx, int64_t ticket_id,
                                     int64_t event_id, int64_t updated_at_ms,
                                     struct dk_err *err)
{
    static const char sql[] = "UPDATE tickets SET last_event_id = ?, "
                              "updated_at = ? WHERE id = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, event_id);
    q_i64(&q, updated_at_ms);
    q_i64(&q, ticket_id);
    return q_exec(&q, err);
}

enum dk_status dk_store_ticket_get(struct dk_tx *tx, int64_t number,
                                   int64_t reader_id, struct dk_ticket *out,
                                   struct dk_err *err)
{
    static const char sql[] =
        "SELECT " TICKET_COLUMNS TICKET_FROM " WHERE t.number = ?";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, reader_id);
    q_i64(&q, reader_id);
    q_i64(&q, number);
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    if (s == DK_OK && has_row) {
        read_ticket(&q, out);
    }
    q_close(&q);
    if (s != DK_OK) {
        return s;
    }
    if (!has_row) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "ticket %lld not found",
                       (long long)number);
    }
    if (!reader_id) {
        out->is_unread = false;
    }
    return read_ticket_sets(tx, out, err);
}

enum dk_status dk_store_ticket_delete(struct dk_tx *tx, int64_t ticket_id,
                                      struct dk_err *err)
{
    static const char sql[] = "DELETE FROM tickets WHERE id = ?";
    return delete_sets(tx, sql, ticket_id, err);
}

enum dk_status dk_store_ticket_mark_read(struct dk_tx *tx, int64_t user_id,
                                         int64_t ticket_id, int64_t event_id,
                                         struct dk_err *err)
{
    static const char sql[] =
        "INSERT INTO ticket_reads (user_id, ticket_id, seen_event_id) "
        "VALUES (?, ?, ?) ON CONFLICT (user_id, ticket_id) DO UPDATE SET "
        "seen_event_id = excluded.seen_event_id "
        "WHERE excluded.seen_event_id > ticket_reads.seen_event_id";
    struct q q;
    enum dk_status s = q_open(&q, tx, sql, err);
    if (s != DK_OK) {
        return s;
    }
    q_i64(&q, user_id);
    q_i64(&q, ticket_id);
    q_i64(&q, event_id);
    return q_exec(&q, err);
}

/* ---- the list query ---- */

struct sort_column {
    const char *expr; /* from a static table: never user text */
    bool is_text;
    bool is_descending;
};

/* Tickets without a deadline come last in both directions: the sort key
 * puts them past either end, and each direction has its index
 * (0002_list_keys.sql; the expressions must match the index's). */
#define DEADLINE_ASC "COALESCE(t.deadline, 9223372036854775807)"
#define DEADLINE_DESC "COALESCE(t.deadline, -9223372036854775807)"

/* Expands the requested keys into columns; number is appended last so the
 * order is total and the keyset cursor unique. It runs in the direction of
 * the last key, so one index per sort key (0002_list_keys.sql) serves both
 * directions: a tie broken the other way would sort each tied group. */
static size_t sort_columns(const struct dk_ticket_query *tq,
                           struct sort_column *cols)
{
    static const char *const exprs[DK_TICKET_SORT_COUNT] = {
        [DK_TICKET_SORT_NUMBER] = "t.number",
        [DK_TICKET_SORT_STATUS] = "t.status_position",
        [DK_TICKET_SORT_SUBJECT] = "t.subject",
        [DK_TICKET_SORT_PRIORITY] = "t.priority_position",
        [DK_TICKET_SORT_CREATED_AT] = "t.created_at",
        [DK_TICKET_SORT_UPDATED_AT] = "t.updated_at",
        [DK_TICKET_SORT_DEADLINE] = DEADLINE_ASC,
    };
    size_t n = 0;
    bool has_number = false;
    for (size_t i = 0; i < tq->n_sort; i++) {
        enum dk_ticket_sort f = tq->sort[i].field;
        bool is_descending = tq->sort[i].is_descending;
        const char *expr = exprs[f];
        if (f == DK_TICKET_SORT_DEADLINE && is_descending) {
            expr = DEADLINE_DESC;
        }
        cols[n++] = (struct sort_column){expr, f == DK_TICKET_SORT_SUBJECT,
                                         is_descending};
        if (f == DK_TICKET_SORT_NUMBER) {
            has_number = true;
            break; /* number is unique: later keys never matter */
        }
    }
    if (!has_number) {
        bool is_descending =
            tq->n_sort ? tq->sort[tq->n_sort - 1].is_descending : true;
        cols[n++] = (struct sort_column){"t.number", false, is_descending};
    }
    return n;
}

/* The value of column i for ticket t, as cursor text. */
static const char *sort_value(struct dk_arena *arena,
                              const struct sort_column *col,
                              const struct dk_ticket *t)
{
    int64_t v = 0;
    const char *e = col->expr;
    if (strcmp(e, "t.subject") == 0) {
        return t->subject;
    }
    if (strcmp(e, "t.number") == 0) {
        v = t->number;
    } else if (strcmp(e, "t.id") == 0) {
        v = t->id;
    } else if (strcmp(e, "t.status_position") == 0) {
        v = t->status_position;
    } else if (strcmp(e, "t.priority_position") == 0) {
        v = t->priority_position;
    } else if (strcmp(e, "t.created_at") == 0) {
        v = t->created_at_ms;
    } else if (strcmp(e, "t.updated_at") == 0) {
        v = t->updated_at_ms;
    } else if (t->deadline_ms) {
        v = t->deadline_ms;
    } else {
        v = strcmp(e, DEADLINE_ASC) == 0 ? INT64_MAX : -INT64_MAX;
    }
    return dk_arena_printf(arena, "%lld", (long long)v);
}

static uint32_t sort_signature(const struct sort_column *cols, size_t n)
{
    /* FNV-1a over the expressions and directions. */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        for (const char *p = cols[i].expr; *p; p++) {
            h = (h ^ (unsigned char)*p) * 16777619u;
        }
        h = (h ^ (cols[i].is_descending ? 'd' : 'a')) * 16777619u;
    }
    return h;
}

static void bind_value(struct sqlb *b, const struct sort_column *col,
                       const char *text, int64_t number)
{
    if (col->is_text) {
        sqlb_text(b, text);
    } else {
        sqlb_i64(b, number);
    }
}

/* (c1 > v1) OR (c1 = v1 AND c2 > v2) OR …, each with its own direction. */
static enum dk_status keyset_condition(struct sqlb *b,
                                       const struct sort_column *cols, size_t n,
                                       const char **values, struct dk_err *err)
{
    int64_t numbers[DK_MAX_SORT_KEYS * 2 + 1];
    for (size_t i = 0; i < n; i++) {
        if (!values[i] ||
            (!cols[i].is_text &&
             !dk_parse_i64(dk_str_cstr(values[i]), &numbers[i]))) {
            return dk_fail(err, DK_INVALID, "cursor",
                           "invalid cursor for this query");
        }
    }
    sqlb_sql(b, " AND (");
    for (size_t i = 0; i < n; i++) {
        sqlb_sql(b, i ? " OR (" : "(");
        for (size_t j = 0; j < i; j++) {
            dk_buf_appendf(&b->sql, "%s = ? AND ", cols[j].expr);
            bind_value(b, &cols[j], values[j], numbers[j]);
        }
        dk_buf_appendf(&b->sql, "%s %s ?)", cols[i].expr,
                       cols[i].is_descending ? "<" : ">");
        bind_value(b, &cols[i], values[i], numbers[i]);
    }
    sqlb_sql(b, ")");
    return DK_OK;
}

/* The search expression of the query's words (NULL without words). */
static const char *search_expression(struct dk_arena *arena,
                                     const struct dk_ticket_query *tq)
{
    return tq->search ? store_search_expression(arena, tq->search,
                                                tq->is_internal_hidden)
                      : NULL;
}

/* The count of a search and nothing else: the index's own count of the
 * word matches (no id collected, none de-duplicated: at 1M tickets a word
 * in 893,000 of them), plus the ticket of the number when its document
 * does not match. */
static void search_count(struct sqlb *b, const struct dk_ticket_query *tq)
{
    const struct dk_store_ops *ops = b->ops;
    const char *expression = search_expression(b->arena, tq);
    sqlb_sql(b, "SELECT (SELECT COUNT(*) FROM tickets t WHERE t.number = ?");
    sqlb_i64(b, tq->number_match);
    if (!expression) {
        sqlb_sql(b, ")");
        return;
    }
    sqlb_sql(b, " AND NOT EXISTS (");
    sqlb_sql(b, ops->fts_ids_sql);
    sqlb_text(b, expression);
    dk_buf_appendf(&b->sql, " AND %s = t.id)) + (SELECT COUNT(*) FROM (",
                   ops->fts_id_column);
    sqlb_sql(b, ops->fts_ids_sql);
    sqlb_text(b, expression);
    sqlb_sql(b, ") matches)");
}

/* Matches the number or the words (anywhere in the ticket's document).
 * An OR rather than an IN over a UNION: the union de-duplicated every word
 * match first (a common word with the unresolved filter at 1M tickets:
 * 267 → 218 ms). Words alone are no OR at all: with one, SQLite drives
 * from the word matches, each ticket looked up by id. is_checked: the
 * word matches never drive (the sort's index is walked, or the view
 * leads: view_leads_words), each row found is checked against them
 * (fts_has_sql): a common word's 893,000 ids looked up and sorted made a
 * page take 700 ms. */
static void search_filter(struct sqlb *b, const struct dk_ticket_query *tq,
                          bool is_checked)
{
    if (!tq->search && !tq->number_match) {
        return;
    }
    const struct dk_store_ops *ops = b->ops;
    const char *expression = search_expression(b->arena, tq);
    if (!tq->number_match && !expression) {
        sqlb_sql(b, " AND 0 = 1"); /* words with nothing to look for */
        return;
    }
    sqlb_sql(b, " AND (");
    if (tq->number_match) {
        sqlb_sql(b, is_checked ? "+t.number = ?" : "t.number = ?");
        sqlb_i64(b, tq->number_match);
        sqlb_sql(b, expression ? " OR " : "");
    }
    if (expression && is_checked) {
        sqlb_sql(b, ops->fts_has_sql);
        sqlb_text(b, expression);
    } else if (expression) {
        sqlb_sql(b, "t.id IN (");
        sqlb_sql(b, ops->fts_ids_sql);
        sqlb_text(b, expression);
        sqlb_sql(b, ")");
    }
    sqlb_sql(b, ")");
}

/* Appends " AND <unary plus><condition>": the plus keeps the planner off
 * the column's index (SQLite and PostgreSQL alike) when the list should
 * walk the sort's index instead (see walks_sort_index). */
static void filter_sql(struct sqlb *b, bool is_walk, const char *condition)
{
    sqlb_sql(b, is_walk ? " AND +" : " AND ");
    sqlb_sql(b, condition);
}

/* The filters on the ticket row's own columns. */
static void column_filters(struct sqlb *b, const struct dk_ticket_query *tq,
                           bool is_walk)
{
    if (tq->scope_requester_id) {
        filter_sql(b, is_walk, "t.requester_id = ?");
        sqlb_i64(b, tq->scope_requester_id);
    }
    if (tq->statuses.n_items) {
        filter_sql(b, is_walk,
                   "t.status_id IN (SELECT id FROM statuses WHERE key");
        sqlb_in(b, &tq->statuses);
        sqlb_sql(b, ")");
    }
    if (tq->priorities.n_items) {
        filter_sql(b, is_walk,
                   "t.priority_id IN (SELECT id FROM priorities WHERE key");
        sqlb_in(b, &tq->priorities);
        sqlb_sql(b, ")");
    }
    if (tq->has_assignee) {
        filter_sql(b, is_walk,
                   tq->assignee_id ? "t.assignee_id = ?"
                                   : "t.assignee_id IS NULL");
        if (tq->assignee_id) {
            sqlb_i64(b, tq->assignee_id);
        }
    }
    if (tq->has_group) {
        filter_sql(b, is_walk,
                   tq->group_id ? "t.group_id = ?" : "t.group_id IS NULL");
        if (tq->group_id) {
            sqlb_i64(b, tq->group_id);
        }
    }
    if (tq->requester_id) {
        filter_sql(b, is_walk, "t.requester_id = ?");
        sqlb_i64(b, tq->requester_id);
    }
}

/* The filters on times. */
static void time_filters(struct sqlb *b, const struct dk_ticket_query *tq,
                         bool is_walk)
{
    if (tq->created_after_ms) {
        filter_sql(b, is_walk, "t.created_at > ?");
        sqlb_i64(b, tq->created_after_ms);
    }
    if (tq->created_before_ms) {
        filter_sql(b, is_walk, "t.created_at < ?");
        sqlb_i64(b, tq->created_before_ms);
    }
    if (tq->deadline_before_ms) {
        filter_sql(b, is_walk, "t.deadline < ?");
        sqlb_i64(b, tq->deadline_before_ms);
    }
}

/* How one request reads its list, decided before its queries. */
struct list_plan {
    /* The view finds a search's tickets (view_leads_words). */
    bool is_view_first;
    /* The rows of this tag find the tickets (lead_tag_of); NULL: none.
     * Decided only for a count or page that reads ticket rows. */
    const char *lead_tag;
    bool is_lead_tag_known;
    int64_t n_matching; /* tickets matching every filter but unread */
};

/* A count or page with nothing decided: the planner's choices. */
static const struct list_plan no_plan = {false, NULL, true, 0};

/* Appends " AND …" for every filter of tq but unread (which callers add
 * themselves: the count reaches it by subtraction) and search, on the
 * ticket row "t" alone: a count joins nothing else, so the planner cannot
 * start from the statuses table and walk every ticket of a status. */
static void row_filters(struct sqlb *b, const struct dk_ticket_query *tq,
                        bool is_walk, const char *lead_tag)
{
    /* A walk or a leading tag drives: no other index may take over. */
    bool is_led = is_walk || lead_tag;
    column_filters(b, tq, is_led);
    time_filters(b, tq, is_led);
    if (tq->channels.n_items) {
        sqlb_sql(b, " AND t.channel");
        sqlb_in(b, &tq->channels);
    }
    for (size_t i = 0; i < tq->tags.n_items; i++) {
        sqlb_sql(b, tq->tags.items[i] == lead_tag
                        ? " AND t.id IN (SELECT ticket_id FROM ticket_tags "
                          "WHERE tag = ?)"
                        : " AND EXISTS (SELECT 1 FROM ticket_tags tt "
                          "WHERE tt.ticket_id = t.id AND tt.tag = ?)");
        sqlb_text(b, tq->tags.items[i]);
    }
}

/* Every filter but unread, as plan says they are read (a walk of the
 * sort's index overrides it: every filter is checked on the walked rows). */
static void ticket_filters(struct sqlb *b, const struct dk_ticket_query *tq,
                           bool is_walk, const struct list_plan *plan)
{
    row_filters(b, tq, is_walk, is_walk ? NULL : plan->lead_tag);
    search_filter(b, tq, is_walk || plan->is_view_first);
}

/* Does tq filter on a column of the ticket row that ticket_counts does not
 * have (tags aside)? */
static bool has_uncounted_row_filter(const struct dk_ticket_query *tq)
{
    return tq->scope_requester_id || tq->requester_id || tq->created_after_ms ||
           tq->created_before_ms || tq->deadline_before_ms;
}

/* ... or on anything ticket_counts does not have, tags included? */
static bool has_uncounted_filter(const struct dk_ticket_query *tq)
{
    return has_uncounted_row_filter(tq) || tq->tags.n_items;
}

/* Can ticket_counts answer the count? Only filters on its columns. */
static bool is_countable(const struct dk_ticket_query *tq)
{
    return !has_uncounted_filter(tq) && !tq->search && !tq->number_match;
}

/* Does tq filter on any column of ticket_counts? */
static bool has_counted_filter(const struct dk_ticket_query *tq)
{
    return tq->statuses.n_items || tq->priorities.n_items ||
           tq->channels.n_items || tq->has_assignee || tq->has_group;
}

/* One tag, and perhaps statuses, and nothing else: the tag views of the
 * dashboard. A tag alone counts the tag's rows (one per ticket) on its
 * index, with statuses the counters of tag_counts (0007): at 1M tickets,
 * a tag on 410,000 of them 218 → 11 ms, with a status filter 53 → ~1 ms. */
static bool is_tag_view(const struct dk_ticket_query *tq)
{
    return tq->tags.n_items == 1 && !has_uncounted_row_filter(tq) &&
           !tq->priorities.n_items && !tq->channels.n_items &&
           !tq->has_assignee && !tq->has_group && !tq->search &&
           !tq->number_match;
}

static void tag_view_count(struct sqlb *b, const struct dk_ticket_query *tq)
{
    if (!tq->statuses.n_items) {
        sqlb_sql(b, "SELECT COUNT(*) FROM ticket_tags WHERE tag = ?");
        sqlb_text(b, tq->tags.items[0]);
        return;
    }
    sqlb_sql(b, "SELECT COALESCE(SUM(c.n), 0) FROM tag_counts c"
                " JOIN statuses s ON s.id = c.status_id WHERE c.tag = ?");
    sqlb_text(b, tq->tags.items[0]);
    sqlb_sql(b, " AND s.key");
    sqlb_in(b, &tq->statuses);
}

/* A search and nothing else: its total is counted by the search index
 * alone (search_count), with no ticket row read. */
static bool is_search_only(const struct dk_ticket_query *tq)
{
    return (tq->search || tq->number_match) && !has_uncounted_filter(tq) &&
           !has_counted_filter(tq);
}

/* The same filters as ticket_filters, on ticket_counts c. */
static void counter_filters(struct sqlb *b, const struct dk_ticket_query *tq)
{
    if (tq->statuses.n_items) {
        sqlb_sql(b, " AND s.key");
        sqlb_in(b, &tq->statuses);
    }
    if (tq->priorities.n_items) {
        sqlb_sql(b, " AND p.key");
        sqlb_in(b, &tq->priorities);
    }
    if (tq->channels.n_items) {
        sqlb_sql(b, " AND c.channel");
        sqlb_in(b, &tq->channels);
    }
    if (tq->has_assignee) {
        sqlb_sql(b, " AND c.assignee_id = ?");
        sqlb_i64(b, tq->assignee_id);
    }
    if (tq->has_group) {
        sqlb_sql(b, " AND c.group_id = ?");
        sqlb_i64(b, tq->group_id);
    }
}

static enum dk_status run_count(struct sqlb *b, struct dk_tx *tx, int64_t *out,
                                struct dk_err *err)
{
    struct q q;
    enum dk_status s = sqlb_open(b, &q, tx, err);
    if (s != DK_OK) {
        return s;
    }
    bool has_row = false;
    s = q_step(&q, &has_row, err);
    *out = has_row ? q_col_i64(&q, 0) : 0;
    q_close(&q);
    return s;
}

/* Tickets matching every filter but unread: a sum over ticket_counts when
 * it can answer, else a count over the matching rows (an index narrows
 * them: requester, tag, dates, search). */
static enum dk_status count_matching(struct dk_tx *tx,
                                     const struct dk_ticket_query *tq,
                                     const struct list_plan *plan, int64_t *out,
                                     struct dk_err *err)
{
    struct sqlb b;
    sqlb_init(&b, tx);
    if (is_tag_view(tq)) {
        tag_view_count(&b, tq);
    } else if (is_search_only(tq)) {
        search_count(&b, tq);
    } else if (is_countable(tq)) {
        sqlb_sql(&b, "SELECT COALESCE(SUM(c.n), 0) FROM ticket_counts c"
                     " JOIN statuses s ON s.id = c.status_id"
                     " JOIN priorities p ON p.id = c.priority_id"
                     " WHERE 1 = 1");
        counter_filters(&b, tq);
    } else {
        sqlb_sql(&b, "SELECT COUNT(*) FROM tickets t WHERE 1 = 1");
        ticket_filters(&b, tq, false, plan);
    }
    return run_count(&b, tx, out, err);
}

/* The word matches of a search, counted up to cap (the index stops
 * there: ~36 ns a match on SQLite). */
static enum dk_status count_words_up_to(struct dk_tx *tx,
                                        const char *expression, int64_t cap,
                                        int64_t *out, struct dk_err *err)
{
    struct sqlb b;
    sqlb_init(&b, tx);
    sqlb_sql(&b, "SELECT COUNT(*) FROM (");
    sqlb_sql(&b, b.ops->fts_ids_sql);
    sqlb_text(&b, expression);
    sqlb_sql(&b, " LIMIT ?) words");
    sqlb_i64(&b, cap);
    return run_count(&b, tx, out, err);
}

/* Should a search within a view let the view's filters find its tickets,
 * each checked against the word matches, rather than the word matches
 * find them? SQLite's planner, with no statistics, lets the word matches
 * drive whenever it can, each ticket looked up by id: a common word in the
 * unresolved view at 1M tickets read 893,000 tickets to count 92,901
 * (385 ms; 150 ms with the view's index driving), while a rare word is
 * best found first. Decided on counts that stop early: the words' up to
 * a few thousand (a rare word drives at once), then the view's from the
 * counters (when they can tell), then the words' up to the view's. */
static enum dk_status view_leads_words(struct dk_tx *tx,
                                       const struct dk_ticket_query *tq,
                                       bool *out, struct dk_err *err)
{
    enum { FEW_WORD_MATCHES = 4096 };
    *out = false;
    struct dk_ticket_query view = *tq;
    view.search = NULL;
    view.number_match = 0;
    const char *expression = search_expression(tx->arena, tq);
    if (!expression || is_search_only(tq) ||
        !(is_tag_view(&view) || is_countable(&view))) {
        return DK_OK;
    }
    int64_t n_words = 0;
    int64_t n_view = 0;
    enum dk_status s =
        count_words_up_to(tx, expression, FEW_WORD_MATCHES, &n_words, err);
    if (s != DK_OK || n_words < FEW_WORD_MATCHES) {
        return s;
    }
    s = count_matching(tx, &view, &no_plan, &n_view, err);
    if (s == DK_OK && n_view > n_words) {
        s = count_words_up_to(tx, expression, n_view, &n_words, err);
    }
    *out = s == DK_OK && n_words >= n_view;
    return s;
}

/* Tickets of one tag, of any status, from the counters. */
static enum dk_status count_tag(struct dk_tx *tx, const char *tag, int64_t *out,
                                struct dk_err *err)
{
    struct sqlb b;
    sqlb_init(&b, tx);
    sqlb_sql(&b, "SELECT COALESCE(SUM(n), 0) FROM tag_counts WHERE tag = ?");
    sqlb_text(&b, tag);
    return run_count(&b, tx, out, err);
}

/* Should the rows of one of the query's tags find its tickets, each then
 * checked against the other filters? A tag is a correlated EXISTS, which
 * no index answers, so a view of a rare tag read every ticket of its
 * statuses (tag outage, unresolved: 2,165 of 103,998, 91 ms) and two tags
 * every ticket (billing and vip: 1M, 397 ms). The smallest tag leads when
 * it has fewer tickets than the other filters match, both from the
 * counters; not for a search (its words may lead: view_leads_words) nor
 * for filters the counters cannot count (a requester's or dates'
 * indexes lead then). */
static enum dk_status lead_tag_of(struct dk_tx *tx,
                                  const struct dk_ticket_query *tq,
                                  struct list_plan *plan, struct dk_err *err)
{
    if (plan->is_lead_tag_known) {
        return DK_OK;
    }
    plan->is_lead_tag_known = true;
    plan->lead_tag = NULL;
    struct dk_ticket_query rest = *tq;
    rest.tags.n_items = 0;
    if (!tq->tags.n_items || tq->search || tq->number_match ||
        !is_countable(&rest)) {
        return DK_OK;
    }
    int64_t n_rest = INT64_MAX;
    enum dk_status s = DK_OK;
    if (has_counted_filter(&rest)) {
        s = count_matching(tx, &rest, &no_plan, &n_rest, err);
    }
    for (size_t i = 0; s == DK_OK && i < tq->tags.n_items; i++) {
        int64_t n_tag = 0;
        s = count_tag(tx, tq->tags.items[i], &n_tag, err);
        if (s == DK_OK && n_tag < n_rest) {
            n_rest = n_tag;
            plan->lead_tag = tq->tags.items[i];
        }
    }
    return s;
}

/* Matching tickets the reader has seen up to their newest event: walked
 * from the reader's read marks, far fewer than the tickets. */
static enum dk_status count_read(struct dk_tx *tx,
                                 const struct dk_ticket_query *tq,
                                 const struct list_plan *plan, int64_t *out,
                                 struct dk_err *err)
{
    struct sqlb b;
    sqlb_init(&b, tx);
    sqlb_sql(&b,
             "SELECT COUNT(*) FROM ticket_reads tr"
             " JOIN tickets t ON t.id = tr.ticket_id"
             " WHERE tr.user_id = ? AND tr.seen_event_id >= t.last_event_id");
    sqlb_i64(&b, tq->reader_id);
    ticket_filters(&b, tq, false, plan);
    return run_count(&b, tx, out, err);
}

/* The exact total from the count of every filter but unread, never a scan
 * of every ticket for the dashboard's views: unread = matching − matching
 * and read (issue 5). */
static enum dk_status count_tickets(struct dk_tx *tx,
                                    const struct dk_ticket_query *tq,
                                    const struct list_plan *plan,
                                    int64_t *total, struct dk_err *err)
{
    /* Unread with no other filter: one row of ticket_fresh_reads. */
    static const char fresh_sql[] = "SELECT COALESCE(SUM(n), 0) "
                                    "FROM ticket_fresh_reads WHERE user_id = ?";
    int64_t n_read = 0;
    enum dk_status s = DK_OK;
    if (tq->is_unread_only && is_countable(tq) && !has_counted_filter(tq)) {
        s = store_count(tx, fresh_sql, tq->reader_id, &n_read, err);
    } else if (tq->is_unread_only) {
        s = count_read(tx, tq, plan, &n_read, err);
    }
    *total = plan->n_matching - n_read;
    return s;
}

static enum dk_status build_list_sql(struct sqlb *b,
                                     const struct dk_ticket_query *tq,
                                     const struct list_plan *plan, bool is_walk,
                                     const struct sort_column *cols,
                                     size_t n_cols, uint32_t signature,
                                     struct dk_err *err)
{
    sqlb_sql(b, "SELECT " TICKET_COLUMNS TICKET_FROM);
    sqlb_i64(b, tq->reader_id);
    sqlb_i64(b, tq->reader_id);
    sqlb_sql(b, " WHERE 1 = 1");
    ticket_filters(b, tq, is_walk, plan);
    if (tq->is_unread_only) {
        sqlb_sql(b, " AND (tr.seen_event_id IS NULL OR "
                    "tr.seen_event_id < t.last_event_id)");
    }
    if (tq->cursor) {
        const char *values[DK_MAX_SORT_KEYS * 2 + 1];
        enum dk_status s = store_cursor_decode(b->arena, tq->cursor, signature,
                                               values, n_cols, err);
        if (s == DK_OK) {
            s = keyset_condition(b, cols, n_cols, values, err);
        }
        if (s != DK_OK) {
            return s;
        }
    }
    sqlb_sql(b, " ORDER BY ");
    for (size_t i = 0; i < n_cols; i++) {
        dk_buf_appendf(&b->sql, "%s%s %s", i ? ", " : "", cols[i].expr,
                       cols[i].is_descending ? "DESC" : "ASC");
    }
    sqlb_sql(b, " LIMIT ?");
    sqlb_i64(b, (int64_t)tq->limit + 1);
    return DK_OK;
}

/* Is there an index that yields this sort's order all the way? Each single
 * key (then number) has one; of multi-key sorts only the queue order,
 * priority then created_at in opposite directions (0006_queue_order.sql).
 * Any other multi-key sort would read each tied group of its first key
 * whole and sort it. */
static bool has_sort_index(const struct dk_ticket_query *tq)
{
    if (tq->n_sort == 1) {
        return true;
    }
    return tq->n_sort == 2 && tq->sort[0].field == DK_TICKET_SORT_PRIORITY &&
           tq->sort[1].field == DK_TICKET_SORT_CREATED_AT &&
           tq->sort[0].is_descending != tq->sort[1].is_descending;
}

/* Should the page walk the sort's index, checking the filters on each row,
 * rather than let a filter's index find every match and sort them? Walking
 * reads about limit × tickets / matching rows, the other way about
 * matching rows: walk when that is fewer. The exact match count is already
 * known (it is the total), so this holds without planner statistics; the
 * newest number stands in for the number of tickets. */
static enum dk_status walks_sort_index(struct dk_tx *tx,
                                       const struct dk_ticket_query *tq,
                                       int64_t n_matching, bool *out,
                                       struct dk_err *err)
{
    static const char sql[] = "SELECT COALESCE(MAX(number), 0) FROM tickets";
    int64_t n_tickets = 0;
    enum dk_status s = store_count(tx, sql, 0, &n_tickets, err);
    /* A filter's index often narrows less than the match count says (one
     * filter of several): hence the factor 4. */
    *out = s == DK_OK && has_sort_index(tq) &&
           4.0 * (double)n_matching * (double)n_matching >
               (double)(tq->limit + 1) * (double)n_tickets;
    return s;
}

/* Runs the page query: limit + 1 rows, the last only telling that there is
 * a next page. */
static enum dk_status read_page(struct dk_tx *tx, struct sqlb *b,
                                unsigned limit, struct dk_ticket_page *out,
                                struct dk_err *err)
{
    struct q q;
    enum dk_status s = sqlb_open(b, &q, tx, err);
    if (s != DK_OK) {
        return s;
    }
    out->items = dk_arena_calloc(tx->arena, limit + 1, sizeof(*out->items));
    while (q_next(&q, &s, err)) {
        read_ticket(&q, &out->items[out->n_items++]);
    }
    q_close(&q);
    return s;
}

static void set_next_cursor(struct dk_tx *tx, const struct dk_ticket_query *tq,
                            const struct sort_column *cols, size_t n_cols,
                            uint32_t signature, struct dk_ticket_page *out)
{
    if (out->n_items <= tq->limit) {
        return;
    }
    out->n_items = tq->limit;
    const struct dk_ticket *last = &out->items[tq->limit - 1];
    const char *values[DK_MAX_SORT_KEYS * 2 + 1];
    for (size_t i = 0; i < n_cols; i++) {
        values[i] = sort_value(tx->arena, &cols[i], last);
    }
    out->next_cursor =
        store_cursor_encode(tx->arena, signature, values, n_cols);
}

/* ---- search, newest first ----
 *
 * The default order of a search walks the search index itself from the
 * newest match, joining ticket rows only as far as the page goes, instead
 * of collecting every match first (a common word is in most tickets).
 * Ticket documents (part A) come in ticket id order; the ticket whose
 * number was searched for (part B) is merged in. Ids and numbers grow
 * together, so id order is number order. */

/* The rows of one part, newest first. */
struct search_part {
    struct dk_ticket *items;
    size_t n_items;
};

static const struct sort_column newest_cols[] = {{"t.id", false, true}};

static bool is_newest_search(const struct dk_ticket_query *tq)
{
    return tq->search && tq->n_sort == 1 &&
           tq->sort[0].field == DK_TICKET_SORT_NUMBER &&
           tq->sort[0].is_descending;
}

/* "SELECT <ticket columns> <from> <joins>" with the reader bound. */
static void select_tickets(struct sqlb *b, const struct dk_ticket_query *tq,
                           const char *from)
{
    sqlb_sql(b, "SELECT " TICKET_COLUMNS);
    sqlb_i64(b, tq->reader_id);
    sqlb_sql(b, from);
    sqlb_sql(b, TICKET_JOINS);
    sqlb_i64(b, tq->reader_id);
}

/* The filters, unread, "key < before_id" (a later page) and the order. */
static void finish_part(struct sqlb *b, const struct dk_ticket_query *tq,
                        const char *key, int64_t before_id)
{
    /* The walk drives: no filter index may take over. */
    row_filters(b, tq, true, NULL);
    if (tq->is_unread_only) {
        sqlb_sql(b, " AND (tr.seen_event_id IS NULL OR "
                    "tr.seen_event_id < t.last_event_id)");
    }
    if (before_id) {
        dk_buf_appendf(&b->sql, " AND %s < ?", key);
        sqlb_i64(b, before_id);
    }
    dk_buf_appendf(&b->sql, " ORDER BY %s DESC LIMIT ?", key);
    sqlb_i64(b, (int64_t)tq->limit + 1);
}

static enum dk_status run_part(struct dk_tx *tx, struct sqlb *b,
                               const struct dk_ticket_query *tq,
                               struct search_part *out, struct dk_err *err)
{
    struct dk_ticket_page page;
    memset(&page, 0, sizeof(page));
    enum dk_status s = read_page(tx, b, tq->limit, &page, err);
    out->items = page.items;
    out->n_items = page.n_items;
    return s;
}

/* Part A: the tickets whose documents match. */
static enum dk_status
search_documents(struct dk_tx *tx, const struct dk_ticket_query *tq,
                 const char *expression, const char *key, int64_t before_id,
                 struct search_part *out, struct dk_err *err)
{
    const struct dk_store_ops *ops = tx->store->ops;
    struct sqlb b;
    sqlb_init(&b, tx);
    select_tickets(&b, tq, ops->fts_newest_from);
    sqlb_sql(&b, " WHERE ");
    sqlb_sql(&b, ops->fts_newest_match);
    sqlb_text(&b, expression);
    finish_part(&b, tq, key, before_id);
    return run_part(tx, &b, tq, out, err);
}

/* Part B: the ticket of the number searched for, when it passes the
 * filters (its text need not hold the number). */
static enum dk_status search_number(struct dk_tx *tx,
                                    const struct dk_ticket_query *tq,
                                    int64_t before_id, struct search_part *out,
                                    struct dk_err *err)
{
    if (!tq->number_match) {
        return DK_OK;
    }
    struct sqlb b;
    sqlb_init(&b, tx);
    select_tickets(&b, tq, " FROM tickets t");
    sqlb_sql(&b, " WHERE t.number = ?");
    sqlb_i64(&b, tq->number_match);
    finish_part(&b, tq, "t.id", before_id);
    return run_part(tx, &b, tq, out, err);
}

/* Merges two newest-first parts into out, without repeats, up to
 * limit + 1 rows. */
static void merge_parts(struct dk_arena *arena, const struct search_part *a,
                        const struct search_part *b, unsigned limit,
                        struct dk_ticket_page *out)
{
    size_t i = 0;
    size_t j = 0;
    struct dk_ticket *merged =
        dk_arena_calloc(arena, limit + 1, sizeof(*merged));
    out->items = merged;
    struct dk_ticket *from_a = a->items;
    struct dk_ticket *from_b = b->items;
    out->n_items = 0;
    while (out->n_items <= limit && (i < a->n_items || j < b->n_items)) {
        bool is_a =
            j >= b->n_items || (i < a->n_items && from_a[i].id >= from_b[j].id);
        struct dk_ticket next = is_a ? from_a[i] : from_b[j];
        if (is_a && j < b->n_items && from_b[j].id == next.id) {
            j++;
        }
        i += is_a;
        j += !is_a;
        merged[out->n_items++] = next;
    }
}

/* The id after which a later page starts (0: the first page). */
static enum dk_status decode_newest_cursor(struct dk_tx *tx,
                                           const struct dk_ticket_query *tq,
                                           uint32_t signature, int64_t *out,
                                           struct dk_err *err)
{
    const char *values[1] = {NULL};
    *out = 0;
    if (!tq->cursor) {
        return DK_OK;
    }
    enum dk_status s =
        store_cursor_decode(tx->arena, tq->cursor, signature, values, 1, err);
    if (s == DK_OK &&
        (!values[0] || !dk_parse_i64(dk_str_cstr(values[0]), out) ||
         *out <= 0)) {
        return dk_fail(err, DK_INVALID, "cursor",
                       "invalid cursor for this query");
    }
    return s;
}

/* One page of a search in the default order; out->total is already set. */
static enum dk_status search_newest(struct dk_tx *tx,
                                    const struct dk_ticket_query *tq,
                                    const char *expression, int64_t n_matching,
                                    struct dk_ticket_page *out,
                                    struct dk_err *err)
{
    const struct dk_store_ops *ops = tx->store->ops;
    uint32_t signature = sort_signature(newest_cols, 1);
    int64_t before_id = 0;
    struct search_part a = {NULL, 0};
    struct search_part b = {NULL, 0};
    bool is_walk = true;
    enum dk_status s = decode_newest_cursor(tx, tq, signature, &before_id, err);
    if (s == DK_OK && ops->fts_newest_sparse_key) {
        s = walks_sort_index(tx, tq, n_matching, &is_walk, err);
    }
    if (s == DK_OK) {
        s = search_documents(tx, tq, expression,
                             is_walk ? ops->fts_newest_key
                                     : ops->fts_newest_sparse_key,
                             before_id, &a, err);
    }
    if (s == DK_OK) {
        s = search_number(tx, tq, before_id, &b, err);
    }
    if (s != DK_OK) {
        return s;
    }
    merge_parts(tx->arena, &a, &b, tq->limit, out);
    set_next_cursor(tx, tq, newest_cols, 1, signature, out);
    return DK_OK;
}

/* The page in any other case: filters and keyset in SQL, one query. */
static enum dk_status list_sorted(struct dk_tx *tx,
                                  const struct dk_ticket_query *tq,
                                  struct list_plan *plan,
                                  struct dk_ticket_page *out,
                                  struct dk_err *err)
{
    struct sort_column cols[DK_MAX_SORT_KEYS * 2 + 1];
    size_t n_cols = sort_columns(tq, cols);
    uint32_t signature = sort_signature(cols, n_cols);
    bool is_walk = false;
    enum dk_status s =
        walks_sort_index(tx, tq, plan->n_matching, &is_walk, err);
    if (s == DK_OK && !is_walk) {
        s = lead_tag_of(tx, tq, plan, err);
    }
    struct sqlb b;
    sqlb_init(&b, tx);
    if (s == DK_OK) {
        s = build_list_sql(&b, tq, plan, is_walk, cols, n_cols, signature, err);
    }
    if (s == DK_OK && out->total > 0) {
        s = read_page(tx, &b, tq->limit, out, err);
    }
    if (s == DK_OK) {
        set_next_cursor(tx, tq, cols, n_cols, signature, out);
    }
    return s;
}

enum dk_status dk_store_ticket_list(struct dk_tx *tx,
                                    const struct dk_ticket_query *tq,
                                    struct dk_ticket_page *out,
                                    struct dk_err *err)
{
    memset(out, 0, sizeof(*out));
    struct list_plan plan = no_plan;
    plan.is_lead_tag_known = false;
    enum dk_status s = view_leads_words(tx, tq, &plan.is_view_first, err);
    if (s == DK_OK && !is_tag_view(tq) && !is_countable(tq)) {
        s = lead_tag_of(tx, tq, &plan, err);
    }
    if (s == DK_OK) {
        s = count_matching(tx, tq, &plan, &plan.n_matching, err);
    }
    if (s == DK_OK) {
        s = count_tickets(tx, tq, &plan, &out->total, err);
    }
    const char *expression =
        is_newest_search(tq) ? search_expression(tx->arena, tq) : NULL;
    if (s == DK_OK && expression) {
        s = search_newest(tx, tq, expression, plan.n_matching, out, err);
    } else if (s == DK_OK) {
        s = list_sorted(tx, tq, &plan, out, err);
    }
    for (size_t i = 0; !tq->reader_id && i < out->n_items; i++) {
        out->items[i].is_unread = false;
    }
    if (s == DK_OK) {
        s = read_page_sets(tx, out->items, out->n_items, err);
    }
    return s;
}
