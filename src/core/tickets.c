/* tickets.c — the ticket commands: create, update, read, delete, list.
 * Each write is one transaction: ticket row + tags/followers + event (with
 * old→new values) + read mark, then the realtime hook after commit. */
#include <string.h>

#include "core/internal.h"

const char *const core_channels[] = {"email",     "web",   "portal", "chat",
                                     "messenger", "phone", "api",    NULL};

/* ---- resolving references inside the transaction ---- */

static enum dk_status resolve_enum(struct dk_tx *tx, enum dk_enum_table table,
                                   const char *field, const char *key,
                                   struct dk_enum_value *out,
                                   struct dk_err *err)
{
    enum dk_status s = dk_store_enum_get(tx, table, key, out, err);
    if (s == DK_NOT_FOUND || (s == DK_OK && out->is_retired)) {
        return dk_fail(err, DK_INVALID, field, "unknown %s '%s'", field, key);
    }
    return s;
}

static bool may_be_default(enum dk_enum_table table,
                           const struct dk_enum_value *v)
{
    return !v->is_retired &&
           (table != DK_ENUM_STATUS || strcmp(v->category, "open") == 0);
}

/* The default of a status or priority: the preferred key while it is in
 * use, else the first value in use (for statuses: of category open). The
 * preferred key is looked up alone first: it is almost always the answer,
 * and every ticket create asks, inside its write transaction. */
static enum dk_status default_enum(struct dk_tx *tx, enum dk_enum_table table,
                                   const char *preferred,
                                   struct dk_enum_value *out,
                                   struct dk_err *err)
{
    struct dk_err lookup; /* a missing preferred key is no error here */
    dk_err_init(&lookup);
    enum dk_status s = dk_store_enum_get(tx, table, preferred, out, &lookup);
    if (s == DK_OK && may_be_default(table, out)) {
        return DK_OK;
    }
    if (s != DK_OK && s != DK_NOT_FOUND) {
        *err = lookup;
        return s;
    }
    struct dk_enum_value *items = NULL;
    size_t n = 0;
    s = dk_store_enum_list(tx, table, &items, &n, err);
    if (s != DK_OK) {
        return s;
    }
    const struct dk_enum_value *pick = NULL;
    for (size_t i = 0; i < n && !pick; i++) {
        if (may_be_default(table, &items[i])) {
            pick = &items[i];
        }
    }
    if (!pick) {
        return dk_fail(err, DK_INVALID,
                       table == DK_ENUM_STATUS ? "status" : "priority",
                       "no default value is in use");
    }
    *out = *pick;
    return DK_OK;
}

static enum dk_status resolve_agent(struct dk_tx *tx, const char *field,
                                    int64_t id, struct dk_ref *out,
                                    struct dk_err *err)
{
    struct dk_user u;
    enum dk_status s = dk_store_user_get(tx, id, &u, err);
    if (s == DK_NOT_FOUND ||
        (s == DK_OK && (strcmp(u.kind, "agent") != 0 || u.is_disabled))) {
        return dk_fail(err, DK_INVALID, field, "no active agent with id %lld",
                       (long long)id);
    }
    if (s == DK_OK) {
        out->id = u.id;
        out->name = u.name;
    }
    return s;
}

/* A group named in a request body: absent is a bad value (422). */
static enum dk_status resolve_group(struct dk_tx *tx, int64_t id,
                                    struct dk_ref *out, struct dk_err *err)
{
    enum dk_status s = dk_store_group_get(tx, id, out, err);
    if (s == DK_NOT_FOUND) {
        return dk_fail(err, DK_INVALID, "group_id", "group %lld not found",
                       (long long)id);
    }
    return s;
}

/* Finds the requester by email, creating a customer when there is none. */
static enum dk_status
find_or_create_requester(struct dk_ctx *ctx, struct dk_tx *tx,
                         const char *email, const char *name,
                         struct dk_ref *out, struct dk_err *err)
{
    struct dk_user u;
    enum dk_status s = dk_store_user_get_by_email(tx, email, &u, err);
    if (s == DK_OK) {
        out->id = u.id;
        out->name = u.name;
        return DK_OK;
    }
    if (s != DK_NOT_FOUND) {
        return s;
    }
    memset(&u, 0, sizeof(u));
    u.kind = "customer";
    u.role = "customer";
    u.email = email;
    u.name = name ? name
                  : dk_arena_strndup(ctx->arena, email,
                                     (size_t)(strchr(email, '@') - email));
    u.availability = "offline";
    u.created_at_ms = dk_clock_now_ms();
    u.updated_at_ms = u.created_at_ms;
    s = dk_store_user_insert(tx, &u, &out->id, err);
    out->name = u.name;
    return s;
}

static enum dk_status resolve_requester(struct dk_ctx *ctx, struct dk_tx *tx,
                                        const struct dk_ticket_input *in,
                                        struct dk_ref *out, struct dk_err *err)
{
    if (in->has_requester) {
        return find_or_create_requester(ctx, tx, in->requester_email,
                                        in->requester_name, out, err);
    }
    struct dk_user u;
    enum dk_status s = dk_store_user_get(tx, in->requester_id, &u, err);
    if (s == DK_NOT_FOUND) {
        return dk_fail(err, DK_INVALID, "requester_id", "user %lld not found",
                       (long long)in->requester_id);
    }
    if (s == DK_OK) {
        out->id = u.id;
        out->name = u.name;
    }
    return s;
}

static enum dk_status resolve_followers(struct dk_tx *tx,
                                        const struct dk_ids *ids,
                                        struct dk_err *err)
{
    for (size_t i = 0; i < ids->n_items; i++) {
        struct dk_user u;
        enum dk_status s = dk_store_user_get(tx, ids->items[i], &u, err);
        if (s == DK_NOT_FOUND) {
            return dk_fail(err, DK_INVALID, "follower_ids",
                           "user %lld not found", (long long)ids->items[i]);
        }
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

/* ---- validation before any transaction ---- */

/* Tags are trimmed, lower-cased (ASCII), de-duplicated and sorted. */
static enum dk_status normalize_tags(struct dk_arena *arena,
                                     const struct dk_strs *in,
                                     struct dk_strs *out, struct dk_err *err)
{
    if (in->n_items > DK_MAX_TAGS) {
        return dk_fail(err, DK_INVALID, "tags", "at most %d tags", DK_MAX_TAGS);
    }
    out->items = dk_arena_calloc(arena, in->n_items + 1, sizeof(char *));
    out->n_items = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        struct dk_str t = dk_str_trim(dk_str_cstr(in->items[i]));
        char *tag = dk_arena_strndup(arena, t.ptr, t.len);
        dk_str_ascii_lower(tag);
        enum dk_status s = check_text("tags", tag, 1, DK_MAX_TAG_CHARS, err);
        if (s != DK_OK) {
            return s;
        }
        size_t pos = 0;
        while (pos < out->n_items && strcmp(out->items[pos], tag) < 0) {
            pos++;
        }
        if (pos < out->n_items && strcmp(out->items[pos], tag) == 0) {
            continue;
        }
        memmove(&out->items[pos + 1], &out->items[pos],
                (out->n_items - pos) * sizeof(char *));
        out->items[pos] = tag;
        out->n_items++;
    }
    return DK_OK;
}

static enum dk_status validate_input(const struct dk_ticket_input *in,
                                     struct dk_err *err)
{
    enum dk_status s = DK_OK;
    if (in->has_subject) {
        s = check_text("subject", in->subject, 1, DK_MAX_SUBJECT_CHARS, err);
    }
    if (s == DK_OK && in->has_description) {
        s = check_text("description", in->description, 0, DK_MAX_TEXT_CHARS,
                       err);
    }
    if (s == DK_OK && in->has_requester) {
        s = check_email("requester", in->requester_email, err);
        if (s == DK_OK && in->requester_name) {
            s = check_text("requester", in->requester_name, 1,
                           DK_MAX_NAME_CHARS, err);
        }
    }
    if (s == DK_OK && in->has_channel &&
        !is_one_of(in->channel, core_channels)) {
        s = dk_fail(err, DK_INVALID, "channel", "unknown channel '%s'",
                    in->channel ? in->channel : "");
    }
    if (s == DK_OK && in->has_followers &&
        in->follower_ids.n_items > DK_MAX_FOLLOWERS) {
        s = dk_fail(err, DK_INVALID, "follower_ids", "at most %d followers",
                    DK_MAX_FOLLOWERS);
    }
    return s;
}

/* Refuses (403) what the customer a may not set on t (NULL: a new
 * ticket); the rule is dk_customer_denied_field's. */
static enum dk_status check_customer_fields(const struct dk_actor *a,
                                            const struct dk_ticket *t,
                                            const struct dk_ticket_input *in,
                                            struct dk_err *err)
{
    const char *field = dk_customer_denied_field(a, t, in);
    if (field) {
        return dk_fail(err, DK_DENIED, field, "customers cannot set '%s'",
                       field);
    }
    return DK_OK;
}

/* ---- status bookkeeping ---- */

/* Keeps resolved_at/closed_at in step with the status category. */
static void apply_status(struct dk_ticket *t, const struct dk_enum_value *v,
                         int64_t now)
{
    bool was_closed =
        t->status_category && strcmp(t->status_category, "closed") == 0;
    bool is_closed = strcmp(v->category, "closed") == 0;
    t->status = v->key;
    t->status_category = v->category;
    t->status_position = v->position;
    if (is_closed && !was_closed) {
        t->closed_at_ms = now;
        t->resolved_at_ms = now;
    } else if (!is_closed && was_closed) {
        t->closed_at_ms = 0;
        t->resolved_at_ms = 0;
    }
}

/* ---- create ---- */

struct create_state {
    struct dk_ticket t;
    struct dk_strs tags;
    struct changes changes;
};

static enum dk_status fill_new_ticket(struct dk_ctx *ctx, struct dk_tx *tx,
                                      const struct dk_ticket_input *in,
                                      struct create_state *st,
                                      struct dk_err *err)
{
    struct dk_ticket *t = &st->t;
    struct dk_enum_value status;
    struct dk_enum_value priority;
    int64_t now = dk_clock_now_ms();
    enum dk_status s =
        in->has_status ? resolve_enum(tx, DK_ENUM_STATUS, "status", in->status,
                                      &status, err)
                       : default_enum(tx, DK_ENUM_STATUS, "todo", &status, err);
    if (s == DK_OK) {
        s = in->has_priority
                ? resolve_enum(tx, DK_ENUM_PRIORITY, "priority", in->priority,
                               &priority, err)
                : default_enum(tx, DK_ENUM_PRIORITY, "normal", &priority, err);
    }
    if (s == DK_OK && in->has_assignee && in->assignee_id) {
        s = resolve_agent(tx, "assignee_id", in->assignee_id, &t->assignee,
                          err);
    }
    if (s == DK_OK && in->has_group && in->group_id) {
        s = resolve_group(tx, in->group_id, &t->group, err);
    }
    if (s == DK_OK && (in->has_requester || in->has_requester_id)) {
        s = resolve_requester(ctx, tx, in, &t->requester, err);
    } else if (s == DK_OK) {
        t->requester = (struct dk_ref){ctx->actor->id, ctx->actor->name};
    }
    if (s == DK_OK && in->has_followers) {
        s = resolve_followers(tx, &in->follower_ids, err);
    }
    if (s != DK_OK) {
        return s;
    }
    t->subject = in->subject;
    t->description = in->has_description ? in->description : "";
    t->priority = priority.key;
    apply_status(t, &status, now);
    t->deadline_ms = in->has_deadline ? in->deadline_ms : 0;
    t->channel = in->has_channel                 ? in->channel
                 : dk_actor_is_agent(ctx->actor) ? "api"
                                                 : "portal";
    t->created_at_ms = now;
    t->updated_at_ms = now;
    return dk_store_ticket_next_number(tx, &t->number, err);
}

static void creation_changes(struct create_state *st,
                             const struct dk_ticket_input *in)
{
    const struct dk_ticket *t = &st->t;
    struct changes *c = &st->changes;
    changes_text(c, "subject", NULL, t->subject);
    if (t->description[0]) {
        changes_text(c, "description", NULL, t->description);
    }
    changes_text(c, "status", NULL, t->status);
    changes_text(c, "priority", NULL, t->priority);
    changes_ref(c, "requester", NULL, &t->requester);
    changes_text(c, "channel", NULL, t->channel);
    if (t->assignee.id) {
        changes_ref(c, "assignee", NULL, &t->assignee);
    }
    if (t->group.id) {
        changes_ref(c, "group", NULL, &t->group);
    }
    if (t->deadline_ms) {
        changes_time(c, "deadline", 0, t->deadline_ms);
    }
    if (st->tags.n_items) {
        changes_strs(c, "tags", NULL, &st->tags);
    }
    (void)in;
}

/* Files sent with a new ticket travel on a first message that repeats the
 * description: the customer's own words, or an agent's internal note. */
static enum dk_status first_message(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                    struct dk_ticket *t,
                                    const struct dk_ticket_input *in,
                                    struct dk_err *err)
{
    if (in->attachments.n_items > DK_MAX_ATTACHMENTS_PER_MESSAGE) {
        return dk_fail(err, DK_INVALID, "attachments",
                       "at most %d attachments per message",
                       DK_MAX_ATTACHMENTS_PER_MESSAGE);
    }
    bool is_agent =
        dk_actor_is_agent(ctx->actor) || dk_actor_is_system(ctx->actor);
    struct dk_message_input msg = {
        .kind = is_agent ? "note" : "reply",
        .body = t->description[0] ? t->description : t->subject,
        .attachments = in->attachments,
    };
    struct dk_message m = {
        .ticket_id = t->id,
        .ticket_number = t->number,
        .kind = is_agent ? "note" : "inbound",
        .author = {ctx->actor->id, ctx->actor->name},
        .body = msg.body,
        .created_at_ms = dk_clock_now_ms(),
    };
    return core_write_message(ctx, ctx_tx, t, &msg, &m, err);
}

enum dk_status dk_core_ticket_create(struct dk_ctx *ctx,
                                     const struct dk_ticket_input *in,
                                     struct dk_ticket *out, struct dk_err *err)
{
    bool is_agent = dk_actor_is_agent(ctx->actor);
    if (is_agent && !dk_rights_of(ctx->actor).can_create) {
        return dk_fail(err, DK_DENIED, NULL, "your role cannot create tickets");
    }
    if (!in->has_subject) {
        return dk_fail(err, DK_INVALID, "subject", "'subject' is required");
    }
    struct create_state st;
    memset(&st, 0, sizeof(st));
    changes_init(&st.changes, ctx->arena);
    enum dk_status s = validate_input(in, err);
    if (s == DK_OK && !is_agent && !dk_actor_is_system(ctx->actor)) {
        s = check_customer_fields(ctx->actor, NULL, in, err);
    }
    if (s == DK_OK && in->has_tags) {
        s = normalize_tags(ctx->arena, &in->tags, &st.tags, err);
    }
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = fill_new_ticket(ctx, ctx_tx.tx, in, &st, err);
    if (s == DK_OK) {
        s = dk_store_ticket_insert(ctx_tx.tx, &st.t, &st.t.id, err);
    }
    if (s == DK_OK && st.tags.n_items) {
        s = dk_store_ticket_set_tags(ctx_tx.tx, st.t.id, &st.tags, err);
    }
    if (s == DK_OK && in->has_followers) {
        s = dk_store_ticket_set_followers(ctx_tx.tx, st.t.id, &in->follower_ids,
                                          err);
    }
    if (s == DK_OK) {
        creation_changes(&st, in);
        s = core_ticket_event(ctx, &ctx_tx, &st.t, "ticket.created", false,
                              changes_event_data(&st.changes, NULL), NULL, err);
    }
    if (s == DK_OK && in->attachments.n_items) {
        s = first_message(ctx, &ctx_tx, &st.t, in, err);
    }
    if (s == DK_OK) {
        s = load_visible_ticket(ctx, ctx_tx.tx, st.t.number, out, err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}

/* ---- update ---- */

static bool strs_equal(const struct dk_strs *a, const struct dk_strs *b)
{
    if (a->n_items != b->n_items) {
        return false;
    }
    for (size_t i = 0; i < a->n_items; i++) {
        if (strcmp(a->items[i], b->items[i]) != 0) {
            return false;
        }
    }
    return true;
}

static bool ids_equal_followers(const struct dk_ids *ids,
                                const struct dk_ticket *t)
{
    if (ids->n_items != t->n_followers) {
        return false;
    }
    for (size_t i = 0; i < ids->n_items; i++) {
        bool is_found = false;
        for (size_t j = 0; j < t->n_followers; j++) {
            is_found = is_found || t->followers[j].id == ids->items[i];
        }
        if (!is_found) {
            return false;
        }
    }
    return true;
}

/* Rights needed by the fields present in `in`, for agents. */
static enum dk_status check_agent_rights(const struct dk_actor *a,
                                         const struct dk_ticket_input *in,
                                         const struct dk_enum_value *status,
                                         struct dk_err *err)
{
    struct dk_rights r = dk_rights_of(a);
    if (in->has_assignee && !r.can_assign) {
        return dk_fail(err, DK_DENIED, "assignee_id",
                       "your role cannot assign tickets");
    }
    if (status && strcmp(status->category, "closed") == 0 && !r.can_close) {
        return dk_fail(err, DK_DENIED, "status",
                       "your role cannot close tickets");
    }
    bool has_other =
        in->has_subject || in->has_description || in->has_priority ||
        in->has_group || in->has_requester || in->has_requester_id ||
        in->has_deadline || in->has_channel || in->has_tags ||
        in->has_followers ||
        (in->has_status && status && strcmp(status->category, "closed") != 0);
    if (has_other && !r.can_edit) {
        return dk_fail(err, DK_DENIED, NULL, "your role cannot edit tickets");
    }
    return DK_OK;
}

struct update_state {
    struct dk_ticket old;
    struct dk_ticket t;
    struct dk_strs tags;
    struct changes changes;
};

static enum dk_status apply_scalar_fields(struct dk_ctx *ctx, struct dk_tx *tx,
                                          const struct dk_ticket_input *in,
                                          struct update_state *st,
                                          struct dk_err *err)
{
    struct dk_ticket *t = &st->t;
    const struct dk_ticket *old = &st->old;
    struct changes *c = &st->changes;
    enum dk_status s = DK_OK;
    if (in->has_subject && strcmp(in->subject, old->subject) != 0) {
        t->subject = in->subject;
        changes_text(c, "subject", old->subject, t->subject);
    }
    if (in->has_description && strcmp(in->description, old->description) != 0) {
        t->description = in->description;
        changes_text(c, "description", old->description, t->description);
    }
    if (in->has_priority && strcmp(in->priority, old->priority) != 0) {
        struct dk_enum_value v;
        s = resolve_enum(tx, DK_ENUM_PRIORITY, "priority", in->priority, &v,
                         err);
        if (s == DK_OK) {
            t->priority = v.key;
            changes_text(c, "priority", old->priority, t->priority);
        }
    }
    if (s == DK_OK && in->has_assignee && in->assignee_id != old->assignee.id) {
        t->assignee = (struct dk_ref){0, NULL};
        if (in->assignee_id) {
            s = resolve_agent(tx, "assignee_id", in->assignee_id, &t->assignee,
                              err);
        }
        if (s == DK_OK) {
            changes_ref(c, "assignee", &old->assignee, &t->assignee);
        }
    }
    if (s == DK_OK && in->has_group && in->group_id != old->group.id) {
        t->group = (struct dk_ref){0, NULL};
        if (in->group_id) {
            s = resolve_group(tx, in->group_id, &t->group, err);
        }
        if (s == DK_OK) {
            changes_ref(c, "group", &old->group, &t->group);
        }
    }
    if (s == DK_OK && (in->has_requester || in->has_requester_id)) {
        s = resolve_requester(ctx, tx, in, &t->requester, err);
        if (s == DK_OK && t->requester.id != old->requester.id) {
            changes_ref(c, "requester", &old->requester, &t->requester);
        }
    }
    if (in->has_deadline && in->deadline_ms != old->deadline_ms) {
        t->deadline_ms = in->deadline_ms;
        changes_time(c, "deadline", old->deadline_ms, t->deadline_ms);
    }
    if (in->has_channel && strcmp(in->channel, old->channel) != 0) {
        t->channel = in->channel;
        changes_text(c, "channel", old->channel, t->channel);
    }
    return s;
}

static enum dk_status apply_update(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                   const struct dk_ticket_input *in,
                                   struct update_state *st, struct dk_err *err)
{
    struct dk_tx *tx = ctx_tx->tx;
    struct dk_enum_value status;
    bool has_status = in->has_status && strcmp(in->status, st->old.status) != 0;
    enum dk_status s = DK_OK;
    if (has_status) {
        s = resolve_enum(tx, DK_ENUM_STATUS, "status", in->status, &status,
                         err);
    }
    if (s == DK_OK && dk_actor_is_agent(ctx->actor)) {
        s = check_agent_rights(ctx->actor, in, has_status ? &status : NULL,
                               err);
    } else if (s == DK_OK && has_status &&
               strcmp(status.category, "open") != 0 &&
               strcmp(status.category, "closed") != 0) {
        /* A customer closes or reopens; the rest is the team's work. */
        s = dk_fail(err, DK_DENIED, "status",
                    "customers can only close or reopen a ticket");
    }
    if (s == DK_OK) {
        s = apply_scalar_fields(ctx, tx, in, st, err);
    }
    if (s == DK_OK && has_status) {
        apply_status(&st->t, &status, dk_clock_now_ms());
        changes_text(&st->changes, "status", st->old.status, st->t.status);
    }
    if (s == DK_OK && in->has_followers &&
        !ids_equal_followers(&in->follower_ids, &st->old)) {
        s = resolve_followers(tx, &in->follower_ids, err);
        if (s == DK_OK) {
            s = dk_store_ticket_set_followers(tx, st->t.id, &in->follower_ids,
                                              err);
            changes_i64(&st->changes, "followers", true,
                        (int64_t)st->old.n_followers, true,
                        (int64_t)in->follower_ids.n_items);
        }
    }
    if (s == DK_OK && in->has_tags && !strs_equal(&st->tags, &st->old.tags)) {
        s = dk_store_ticket_set_tags(tx, st->t.id, &st->tags, err);
        changes_strs(&st->changes, "tags", &st->old.tags, &st->tags);
    }
    if (s != DK_OK || st->changes.n_fields == 0) {
        return s;
    }
    st->t.updated_at_ms = dk_clock_now_ms();
    s = dk_store_ticket_update(tx, &st->t, err);
    if (s == DK_OK) {
        s = core_ticket_event(ctx, ctx_tx, &st->t, "ticket.updated", false,
                              changes_event_data(&st->changes, NULL), NULL,
                              err);
    }
    return s;
}

enum dk_status dk_core_ticket_update(struct dk_ctx *ctx, int64_t number,
                                     const struct dk_ticket_input *in,
                                     struct dk_ticket *out, struct dk_err *err)
{
    struct update_state st;
    memset(&st, 0, sizeof(st));
    changes_init(&st.changes, ctx->arena);
    enum dk_status s = validate_input(in, err);
    if (s == DK_OK && in->has_tags) {
        s = normalize_tags(ctx->arena, &in->tags, &st.tags, err);
    }
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = load_visible_ticket(ctx, ctx_tx.tx, number, &st.old, err);
    bool is_customer =
        !dk_actor_is_agent(ctx->actor) && !dk_actor_is_system(ctx->actor);
    if (s == DK_OK && is_customer) {
        s = check_customer_fields(ctx->actor, &st.old, in, err);
    }
    if (s == DK_OK) {
        st.t = st.old;
        s = apply_update(ctx, &ctx_tx, in, &st, err);
    }
    if (s == DK_OK) {
        s = load_visible_ticket(ctx, ctx_tx.tx, number, out, err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}

/* ---- read and delete ---- */

enum dk_status dk_core_ticket_get(struct dk_ctx *ctx, int64_t number,
                                  struct dk_ticket *out, struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = load_visible_ticket(ctx, ctx_tx.tx, number, out, err);
    core_rollback(&ctx_tx);
    if (s != DK_OK || !dk_actor_is_agent(ctx->actor) || !out->is_unread) {
        return s;
    }
    /* Opening a ticket marks it read: a small write only when it was
     * unread, so most reads stay read-only. The answer shows it unread, as
     * it was when opened. */
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_ticket_mark_read(ctx_tx.tx, ctx->actor->id, out->id,
                                  out->last_event_id, err);
    return core_end(ctx, &ctx_tx, s, err);
}

enum dk_status dk_core_ticket_delete(struct dk_ctx *ctx, int64_t number,
                                     struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_ticket t;
    s = load_visible_ticket(ctx, ctx_tx.tx, number, &t, err);
    if (s == DK_OK && !dk_rights_of(ctx->actor).can_delete) {
        s = dk_fail(err, DK_DENIED, NULL, "your role cannot delete tickets");
    }
    if (s == DK_OK) {
        struct changes c;
        changes_init(&c, ctx->arena);
        changes_text(&c, "subject", t.subject, NULL);
        s = core_ticket_event(ctx, &ctx_tx, &t, "ticket.deleted", false,
                              changes_event_data(&c, NULL), NULL, err);
    }
    if (s == DK_OK) {
        s = dk_store_ticket_delete(ctx_tx.tx, t.id, err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}
