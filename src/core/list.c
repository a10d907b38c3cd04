/* list.c — the ticket list: query parameters parsed and validated here (so
 * the rules are unit-tested without HTTP), then one store query scoped to
 * what the caller may see. */
#include <string.h>

#include "core/internal.h"

enum dk_status dk_core_parse_limit(const char *text, unsigned *out,
                                   struct dk_err *err)
{
    if (!text) {
        *out = DK_DEFAULT_LIST_LIMIT;
        return DK_OK;
    }
    int64_t v = 0;
    if (!dk_parse_i64(dk_str_cstr(text), &v) || v < 1 ||
        v > DK_MAX_LIST_LIMIT) {
        return dk_fail(err, DK_INVALID, "limit",
                       "'limit' must be a number from 1 to %d",
                       DK_MAX_LIST_LIMIT);
    }
    *out = (unsigned)v;
    return DK_OK;
}

enum dk_status core_page_query(const struct dk_page_params *p,
                               struct dk_page_query *out, struct dk_err *err)
{
    enum dk_status s = dk_core_parse_limit(p->limit, &out->limit, err);
    if (s == DK_OK && p->cursor && strlen(p->cursor) > DK_MAX_CURSOR_BYTES) {
        s = dk_fail(err, DK_INVALID, "cursor", "invalid cursor for this query");
    }
    out->cursor = p->cursor;
    return s;
}

enum dk_status dk_core_parse_ticket_sort(const char *text,
                                         struct dk_ticket_query *q,
                                         struct dk_err *err)
{
    static const char *const names[DK_TICKET_SORT_COUNT] = {
        [DK_TICKET_SORT_NUMBER] = "number",
        [DK_TICKET_SORT_STATUS] = "status",
        [DK_TICKET_SORT_SUBJECT] = "subject",
        [DK_TICKET_SORT_PRIORITY] = "priority",
        [DK_TICKET_SORT_CREATED_AT] = "created_at",
        [DK_TICKET_SORT_UPDATED_AT] = "updated_at",
        [DK_TICKET_SORT_DEADLINE] = "deadline",
    };
    q->n_sort = 0;
    struct dk_str rest = dk_str_cstr(text);
    struct dk_str item;
    bool is_seen[DK_TICKET_SORT_COUNT] = {false};
    do {
        dk_str_split(rest, ',', &item, &rest);
        bool is_descending = item.len && item.ptr[0] == '-';
        if (is_descending) {
            item = dk_str_make(item.ptr + 1, item.len - 1);
        }
        int found = -1;
        for (int i = 0; i < DK_TICKET_SORT_COUNT; i++) {
            if (dk_str_eq_cstr(item, names[i])) {
                found = i;
            }
        }
        if (found < 0) {
            return dk_fail(err, DK_INVALID, "sort",
                           "cannot sort tickets by '%.*s'",
                           (int)(item.len > 64 ? 64 : item.len), item.ptr);
        }
        if (is_seen[found]) {
            return dk_fail(err, DK_INVALID, "sort",
                           "'%s' appears twice in 'sort'", names[found]);
        }
        is_seen[found] = true;
        q->sort[q->n_sort].field = (enum dk_ticket_sort)found;
        q->sort[q->n_sort].is_descending = is_descending;
        q->n_sort++;
    } while (rest.len || (rest.ptr > text && rest.ptr[-1] == ','));
    return DK_OK;
}

/* Splits a comma list into the arena; empty items are an error. */
static enum dk_status parse_list(struct dk_arena *arena, const char *field,
                                 const char *text, struct dk_strs *out,
                                 struct dk_err *err)
{
    size_t n = 1;
    for (const char *p = text; *p; p++) {
        n += *p == ',';
    }
    if (n > DK_MAX_FILTER_VALUES) {
        return dk_fail(err, DK_INVALID, field, "at most %d values in '%s'",
                       DK_MAX_FILTER_VALUES, field);
    }
    out->items = dk_arena_calloc(arena, n, sizeof(char *));
    out->n_items = 0;
    struct dk_str rest = dk_str_cstr(text);
    struct dk_str item;
    for (size_t i = 0; i < n; i++) {
        dk_str_split(rest, ',', &item, &rest);
        item = dk_str_trim(item);
        if (item.len == 0 || item.len > 200) {
            return dk_fail(err, DK_INVALID, field,
                           "'%s' has an empty or "
                           "over-long value",
                           field);
        }
        out->items[out->n_items++] =
            dk_arena_strndup(arena, item.ptr, item.len);
    }
    return DK_OK;
}

/* Each value must be a known key of table. */
static enum dk_status check_keys(struct dk_tx *tx, enum dk_enum_table table,
                                 const char *field, const struct dk_strs *keys,
                                 struct dk_err *err)
{
    for (size_t i = 0; i < keys->n_items; i++) {
        struct dk_enum_value v;
        enum dk_status s =
            dk_store_enum_get(tx, table, keys->items[i], &v, err);
        if (s == DK_NOT_FOUND) {
            return dk_fail(err, DK_INVALID, field, "unknown %s '%s'", field,
                           keys->items[i]);
        }
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

static enum dk_status parse_time_param(const char *field, const char *text,
                                       int64_t *out, struct dk_err *err)
{
    if (!text) {
        return DK_OK;
    }
    if (!dk_parse_time(dk_str_cstr(text), out) || *out == 0) {
        return dk_fail(err, DK_INVALID, field, "'%s' must be an RFC 3339 time",
                       field);
    }
    return DK_OK;
}

/* "me", "none" (when allowed) or an id. */
static enum dk_status parse_who(const struct dk_actor *a, const char *field,
                                const char *text, bool *has, int64_t *out,
                                struct dk_err *err)
{
    if (!text) {
        return DK_OK;
    }
    *has = true;
    if (strcmp(text, "none") == 0) {
        *out = 0;
        return DK_OK;
    }
    if (strcmp(text, "me") == 0 && strcmp(field, "group") != 0) {
        *out = a->id;
        return DK_OK;
    }
    if (!dk_parse_id(dk_str_cstr(text), out)) {
        return dk_fail(err, DK_INVALID, field, "'%s' must be %s or an id",
                       field,
                       strcmp(field, "group") == 0 ? "none" : "me, none");
    }
    return DK_OK;
}

/* Each word of q ending in '*' is a prefix: at most DK_MAX_SEARCH_PREFIXES
 * of them, each of DK_MIN_PREFIX_CHARS characters or more (stars aside). */
static enum dk_status check_prefixes(struct dk_str text, struct dk_err *err)
{
    int n_prefixes = 0;
    for (size_t i = 0; i < text.len;) {
        while (i < text.len && (text.ptr[i] == ' ' || text.ptr[i] == '\t' ||
                                text.ptr[i] == '\n' || text.ptr[i] == '\r')) {
            i++;
        }
        size_t start = i;
        while (i < text.len && text.ptr[i] != ' ' && text.ptr[i] != '\t' &&
               text.ptr[i] != '\n' && text.ptr[i] != '\r') {
            i++;
        }
        size_t end = i;
        while (end > start && text.ptr[end - 1] == '*') {
            end--;
        }
        if (end == i) {
            continue; /* no star, or no word */
        }
        if (++n_prefixes > DK_MAX_SEARCH_PREFIXES) {
            return dk_fail(err, DK_INVALID, "q",
                           "'q' may hold at most %d words ending in '*'",
                           DK_MAX_SEARCH_PREFIXES);
        }
        if (end > start && dk_utf8_count(text.ptr + start, end - start) <
                               DK_MIN_PREFIX_CHARS) {
            return dk_fail(err, DK_INVALID, "q",
                           "a word ending in '*' needs at least %d characters "
                           "before it",
                           DK_MIN_PREFIX_CHARS);
        }
    }
    return DK_OK;
}

static enum dk_status parse_search(struct dk_arena *arena, const char *text,
                                   struct dk_ticket_query *q,
                                   struct dk_err *err)
{
    size_t len = strlen(text);
    if (len > DK_MAX_SEARCH_BYTES) {
        return dk_fail(err, DK_INVALID, "q", "'q' is longer than %d bytes",
                       DK_MAX_SEARCH_BYTES);
    }
    enum dk_status s = check_prefixes(dk_str_make(text, len), err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_str t = dk_str_trim(dk_str_make(text, len));
    if (t.len && t.ptr[0] == '#') {
        t = dk_str_make(t.ptr + 1, t.len - 1);
    }
    int64_t number = 0;
    if (dk_parse_id(t, &number)) {
        q->number_match = number;
    }
    struct dk_str rest = dk_str_make(text, len);
    bool has_words = false;
    for (size_t i = 0; i < rest.len && !has_words; i++) {
        has_words = rest.ptr[i] != ' ' && rest.ptr[i] != '\t' &&
                    rest.ptr[i] != '\n' && rest.ptr[i] != '\r';
    }
    q->search = has_words ? dk_arena_strdup(arena, text) : NULL;
    return DK_OK;
}

static enum dk_status parse_params(struct dk_ctx *ctx,
                                   const struct dk_ticket_list_params *p,
                                   struct dk_ticket_query *q,
                                   struct dk_err *err)
{
    struct dk_arena *arena = ctx->arena;
    enum dk_status s = DK_OK;
    if (p->status) {
        s = parse_list(arena, "status", p->status, &q->statuses, err);
    }
    if (s == DK_OK && p->priority) {
        s = parse_list(arena, "priority", p->priority, &q->priorities, err);
    }
    if (s == DK_OK && p->channel) {
        s = parse_list(arena, "channel", p->channel, &q->channels, err);
        for (size_t i = 0; s == DK_OK && i < q->channels.n_items; i++) {
            if (!is_one_of(q->channels.items[i], core_channels)) {
                s = dk_fail(err, DK_INVALID, "channel", "unknown channel '%s'",
                            q->channels.items[i]);
            }
        }
    }
    if (s == DK_OK && p->tag) {
        s = parse_list(arena, "tag", p->tag, &q->tags, err);
        for (size_t i = 0; s == DK_OK && i < q->tags.n_items; i++) {
            dk_str_ascii_lower((char *)q->tags.items[i]);
        }
    }
    if (s == DK_OK) {
        s = parse_who(ctx->actor, "assignee", p->assignee, &q->has_assignee,
                      &q->assignee_id, err);
    }
    if (s == DK_OK) {
        s = parse_who(ctx->actor, "group", p->group, &q->has_group,
                      &q->group_id, err);
    }
    if (s == DK_OK && p->requester &&
        !dk_parse_id(dk_str_cstr(p->requester), &q->requester_id)) {
        s = dk_fail(err, DK_INVALID, "requester", "'requester' must be an id");
    }
    if (s == DK_OK) {
        s = parse_time_param("created_after", p->created_after,
                             &q->created_after_ms, err);
    }
    if (s == DK_OK) {
        s = parse_time_param("created_before", p->created_before,
                             &q->created_before_ms, err);
    }
    if (s == DK_OK) {
        s = parse_time_param("deadline_before", p->deadline_before,
                             &q->deadline_before_ms, err);
    }
    if (s == DK_OK && p->unread) {
        if (strcmp(p->unread, "true") != 0 && strcmp(p->unread, "false") != 0) {
            s = dk_fail(err, DK_INVALID, "unread",
                        "'unread' must be true or false");
        }
        q->is_unread_only = strcmp(p->unread, "true") == 0;
    }
    if (s == DK_OK && p->q) {
        s = parse_search(arena, p->q, q, err);
    }
    if (s == DK_OK) {
        s = dk_core_parse_ticket_sort(p->sort ? p->sort : "-number", q, err);
    }
    struct dk_page_query page;
    if (s == DK_OK) {
        struct dk_page_params pp = {p->cursor, p->limit};
        s = core_page_query(&pp, &page, err);
        q->limit = page.limit;
        q->cursor = page.cursor;
    }
    return s;
}

/* The page of q in a read transaction of its own. */
static enum dk_status list_tickets(struct dk_ctx *ctx,
                                   const struct dk_ticket_query *q,
                                   struct dk_ticket_page *out,
                                   struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = check_keys(ctx_tx.tx, DK_ENUM_STATUS, "status", &q->statuses, err);
    if (s == DK_OK) {
        s = check_keys(ctx_tx.tx, DK_ENUM_PRIORITY, "priority", &q->priorities,
                       err);
    }
    if (s == DK_OK) {
        s = dk_store_ticket_list(ctx_tx.tx, q, out, err);
    }
    core_rollback(&ctx_tx);
    return s;
}

enum dk_status dk_core_ticket_list(struct dk_ctx *ctx,
                                   const struct dk_ticket_list_params *p,
                                   struct dk_ticket_page *out,
                                   struct dk_err *err)
{
    const struct dk_actor *a = ctx->actor;
    bool is_agent = dk_actor_is_agent(a);
    struct dk_rights rights = dk_rights_of(a);
    if (is_agent && rights.ticket_scope != DK_SCOPE_ALL) {
        /* Collaborators see only invitations, which arrive with the access
         * rights issue; until then their list is empty, never wider. */
        memset(out, 0, sizeof(*out));
        return DK_OK;
    }
    struct dk_ticket_query q;
    memset(&q, 0, sizeof(q));
    q.reader_id = is_agent ? a->id : 0;
    if (!is_agent && !dk_actor_is_system(a)) {
        q.scope_requester_id = a->id;
        q.is_internal_hidden = true;
    }
    enum dk_status s = parse_params(ctx, p, &q, err);
    if (s == DK_OK && q.is_unread_only && !q.reader_id) {
        s = dk_fail(err, DK_INVALID, "unread",
                    "'unread' is tracked for agents only");
    }
    if (s != DK_OK) {
        return s;
    }
    /* Before a connection is taken: waiting searches hold none. */
    if (q.search) {
        core_search_enter(ctx->core);
    }
    s = list_tickets(ctx, &q, out, err);
    if (q.search) {
        core_search_leave(ctx->core);
    }
    return s;
}
