/* users.c — creating, changing, reading and listing users. Admins manage
 * everyone; a user changes a few of their own fields through PATCH /me. */
#include <string.h>

#include "core/internal.h"

static const char *const kinds[] = {"agent", "customer", NULL};
static const char *const agent_roles[] = {"admin", "supervisor", "agent",
                                          "collaborator", NULL};
static const char *const availabilities[] = {"online", "away", "offline", NULL};

static enum dk_status check_role(const char *kind, const char *role,
                                 struct dk_err *err)
{
    bool is_agent = strcmp(kind, "agent") == 0;
    if (is_agent ? is_one_of(role, agent_roles)
                 : strcmp(role, "customer") == 0) {
        return DK_OK;
    }
    return dk_fail(err, DK_INVALID, "role", "role '%s' is not valid for %s",
                   role, is_agent ? "agents" : "customers");
}

static enum dk_status check_skills(const struct dk_strs *skills,
                                   struct dk_err *err)
{
    if (skills->n_items > DK_MAX_TAGS) {
        return dk_fail(err, DK_INVALID, "skills", "at most %d skills",
                       DK_MAX_TAGS);
    }
    for (size_t i = 0; i < skills->n_items; i++) {
        enum dk_status s =
            check_text("skills", skills->items[i], 1, DK_MAX_TAG_CHARS, err);
        if (s != DK_OK) {
            return s;
        }
        if (strchr(skills->items[i], '\n')) {
            return dk_fail(err, DK_INVALID, "skills",
                           "a skill cannot contain a line break");
        }
    }
    return DK_OK;
}

/* Applies the fields present in `in` onto u, validating each. */
static enum dk_status apply_user_input(struct dk_ctx *ctx, struct dk_user *u,
                                       const struct dk_user_input *in,
                                       struct dk_err *err)
{
    enum dk_status s = DK_OK;
    if (in->has_kind && !is_one_of(in->kind, kinds)) {
        return dk_fail(err, DK_INVALID, "kind",
                       "'kind' must be 'agent' or 'customer'");
    }
    if (in->has_kind) {
        u->kind = in->kind;
    }
    if (in->has_role) {
        u->role = in->role;
    } else if (in->has_kind && !is_one_of(u->role, agent_roles) &&
               strcmp(u->kind, "agent") == 0) {
        u->role = "agent";
    } else if (in->has_kind && strcmp(u->kind, "customer") == 0) {
        u->role = "customer";
    }
    s = check_role(u->kind, u->role, err);
    if (s != DK_OK) {
        return s;
    }
    if (in->has_name) {
        s = check_text("name", in->name, 1, DK_MAX_NAME_CHARS, err);
        if (s != DK_OK) {
            return s;
        }
        u->name = in->name;
    }
    if (in->has_email) {
        s = check_email("email", in->email, err);
        if (s != DK_OK) {
            return s;
        }
        u->email = in->email;
    }
    if (in->has_password) {
        size_t len = in->password ? strlen(in->password) : 0;
        if (!in->password ||
            dk_utf8_count(in->password, len) < DK_MIN_PASSWORD_CHARS) {
            return dk_fail(err, DK_INVALID, "password",
                           "'password' must have at least %d characters",
                           DK_MIN_PASSWORD_CHARS);
        }
        if (len > DK_MAX_PASSWORD_BYTES) {
            return dk_fail(err, DK_INVALID, "password",
                           "'password' is longer than %d bytes",
                           DK_MAX_PASSWORD_BYTES);
        }
        s = core_password_hash(ctx->arena, in->password, &u->password_hash,
                               err);
        if (s != DK_OK) {
            return s;
        }
    }
    if (in->has_disabled) {
        u->is_disabled = in->is_disabled;
    }
    if (in->has_availability) {
        if (!is_one_of(in->availability, availabilities)) {
            return dk_fail(err, DK_INVALID, "availability",
                           "'availability' must be online, away or offline");
        }
        u->availability = in->availability;
    }
    if (in->has_capacity) {
        if (!in->is_capacity_null &&
            (in->capacity < 0 || in->capacity > 100000)) {
            return dk_fail(err, DK_INVALID, "capacity",
                           "'capacity' must be 0–100000 or null");
        }
        u->has_capacity = !in->is_capacity_null;
        u->capacity = in->capacity;
    }
    if (in->has_skills) {
        s = check_skills(&in->skills, err);
        if (s != DK_OK) {
            return s;
        }
        u->skills = in->skills;
    }
    if (in->has_organization) {
        u->organization_id = in->organization_id;
    }
    return DK_OK;
}

/* The user.created/user.updated event: what changed, never a password. */
static const char *user_event_data(struct dk_ctx *ctx,
                                   const struct dk_user *old,
                                   const struct dk_user *u, bool has_password)
{
    static const struct dk_user none = {0};
    const struct dk_user *o = old ? old : &none;
    struct changes c;
    changes_init(&c, ctx->arena);
    const char *fields[][3] = {
        {"kind", o->kind, u->kind},
        {"role", o->role, u->role},
        {"name", o->name, u->name},
        {"email", o->email, u->email},
        {"availability", o->availability, u->availability},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *a = fields[i][1];
        const char *b = fields[i][2];
        if (!a || !b || strcmp(a, b) != 0) {
            changes_text(&c, fields[i][0], a, b);
        }
    }
    if (old && old->is_disabled != u->is_disabled) {
        changes_i64(&c, "disabled", true, old->is_disabled, true,
                    u->is_disabled);
    }
    if (old && (old->has_capacity != u->has_capacity ||
                old->capacity != u->capacity)) {
        changes_i64(&c, "capacity", old->has_capacity, old->capacity,
                    u->has_capacity, u->capacity);
    }
    return changes_event_data(
        &c, dk_arena_printf(ctx->arena, "\"user\":%lld%s", (long long)u->id,
                            has_password ? ",\"password_changed\":true" : ""));
}

/* Finishes a write: commit, then read the user back for the answer. */
static enum dk_status commit_and_read(struct dk_ctx *ctx,
                                      struct core_tx *ctx_tx, int64_t id,
                                      struct dk_user *out, struct dk_err *err)
{
    enum dk_status s = dk_store_user_get(ctx_tx->tx, id, out, err);
    if (s != DK_OK) {
        core_rollback(ctx_tx);
        return s;
    }
    return core_commit(ctx, ctx_tx, err);
}

enum dk_status core_user_prepare(struct dk_ctx *ctx,
                                 const struct dk_user_input *in,
                                 struct dk_user *u, struct dk_err *err)
{
    if (!in->has_name || !in->has_email) {
        return dk_fail(err, DK_INVALID, in->has_name ? "email" : "name",
                       "'%s' is required", in->has_name ? "email" : "name");
    }
    memset(u, 0, sizeof(*u));
    u->kind = "agent";
    u->role = "agent";
    u->availability = "offline";
    u->created_at_ms = dk_clock_now_ms();
    if (in->has_kind && in->kind && strcmp(in->kind, "customer") == 0) {
        u->role = "customer";
    }
    u->updated_at_ms = u->created_at_ms;
    return apply_user_input(ctx, u, in, err);
}

enum dk_status core_user_insert(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                struct dk_user *u, struct dk_err *err)
{
    enum dk_status s = dk_store_user_insert(ctx_tx->tx, u, &u->id, err);
    if (s == DK_OK) {
        s = core_event(ctx, ctx_tx, "user.created",
                       user_event_data(ctx, NULL, u, false), err);
    }
    return s;
}

enum dk_status dk_core_user_create(struct dk_ctx *ctx,
                                   const struct dk_user_input *in,
                                   struct dk_user *out, struct dk_err *err)
{
    if (!dk_rights_of(ctx->actor).can_manage_users) {
        return dk_fail(err, DK_DENIED, NULL, "only admins create users");
    }
    struct dk_user u;
    enum dk_status s = core_user_prepare(ctx, in, &u, err);
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = core_user_insert(ctx, &ctx_tx, &u, err);
    if (s != DK_OK) {
        core_rollback(&ctx_tx);
        return s;
    }
    return commit_and_read(ctx, &ctx_tx, u.id, out, err);
}

/* What a user may change about themselves. */
static enum dk_status check_self_update(struct dk_ctx *ctx,
                                        const struct dk_user *current,
                                        const struct dk_user_input *in,
                                        struct dk_err *err)
{
    if (in->has_kind || in->has_role || in->has_disabled ||
        in->has_organization || in->has_email) {
        const char *field = in->has_kind       ? "kind"
                            : in->has_role     ? "role"
                            : in->has_email    ? "email"
                            : in->has_disabled ? "disabled"
                                               : "organization_id";
        return dk_fail(err, DK_DENIED, field,
                       "'%s' can only be changed by an admin", field);
    }
    if (!dk_actor_is_agent(ctx->actor) &&
        (in->has_availability || in->has_capacity || in->has_skills)) {
        return dk_fail(err, DK_DENIED, NULL,
                       "only agents have availability, capacity and skills");
    }
    if (in->has_password &&
        (!in->current_password ||
         !core_password_verify(current->password_hash, in->current_password))) {
        return dk_fail(err, DK_INVALID, "current_password",
                       "'current_password' is wrong");
    }
    return DK_OK;
}

/* Supervisors set other agents' availability, capacity and skills
 * (shared/API.md, Routing), and nothing else. */
static bool is_routing_change(const struct dk_actor *a,
                              const struct dk_user_input *in)
{
    bool is_supervisor =
        dk_actor_is_agent(a) && a->role && strcmp(a->role, "supervisor") == 0;
    bool has_other = in->has_kind || in->has_role || in->has_name ||
                     in->has_email || in->has_password || in->has_disabled ||
                     in->has_organization;
    return is_supervisor && !has_other;
}

static bool is_enabled_admin(const struct dk_user *u)
{
    return strcmp(u->kind, "agent") == 0 && strcmp(u->role, "admin") == 0 &&
           !u->is_disabled;
}

/* Someone must stay able to manage users: the change of old into u may not
 * take away the last enabled admin (disabled, demoted, made a customer).
 * Runs inside the write transaction, so two admins demoting each other at
 * once cannot both pass. */
static enum dk_status check_admin_remains(struct dk_tx *tx,
                                          const struct dk_user *old,
                                          const struct dk_user *u,
                                          struct dk_err *err)
{
    if (!is_enabled_admin(old) || is_enabled_admin(u)) {
        return DK_OK;
    }
    struct dk_user_query q = {
        .kind = "agent", .role = "admin", .disabled = 0, .limit = 1};
    struct dk_user_page page;
    enum dk_status s = dk_store_user_list(tx, &q, &page, err);
    if (s != DK_OK || page.total > 1) {
        return s;
    }
    const char *field = u->is_disabled                    ? "disabled"
                        : strcmp(u->kind, old->kind) != 0 ? "kind"
                                                          : "role";
    return dk_fail(err, DK_CONFLICT, field,
                   "'%s' is the last enabled admin: make another admin first",
                   old->email);
}

enum dk_status dk_core_user_update(struct dk_ctx *ctx, int64_t user_id,
                                   const struct dk_user_input *in,
                                   struct dk_user *out, struct dk_err *err)
{
    bool is_self = user_id == 0;
    if (is_self) {
        user_id = ctx->actor->id;
    } else if (!dk_rights_of(ctx->actor).can_manage_users &&
               !is_routing_change(ctx->actor, in)) {
        return dk_fail(err, DK_DENIED, NULL, "only admins change users");
    }
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_user u;
    s = dk_store_user_get(ctx_tx.tx, user_id, &u, err);
    struct dk_user old = u;
    if (s == DK_OK && is_self) {
        s = check_self_update(ctx, &u, in, err);
    }
    if (s == DK_OK && strcmp(u.kind, "customer") == 0 &&
        (in->has_availability || in->has_capacity || in->has_skills)) {
        s = dk_fail(err, DK_INVALID, NULL,
                    "customers have no availability, capacity or skills");
    }
    if (s == DK_OK) {
        s = apply_user_input(ctx, &u, in, err);
    }
    if (s == DK_OK) {
        s = check_admin_remains(ctx_tx.tx, &old, &u, err);
    }
    /* However the request names them (PATCH /me, /users/{own id}, DELETE),
     * no one locks themselves out. */
    if (s == DK_OK && u.id == ctx->actor->id && u.is_disabled &&
        !old.is_disabled) {
        s = dk_fail(err, DK_CONFLICT, "disabled",
                    "you cannot disable yourself");
    }
    if (s == DK_OK) {
        u.updated_at_ms = dk_clock_now_ms();
        s = dk_store_user_update(ctx_tx.tx, &u, err);
    }
    if (s == DK_OK) {
        s = core_event(ctx, &ctx_tx, "user.updated",
                       user_event_data(ctx, &old, &u, in->has_password), err);
    }
    /* Disabling a user or changing their password ends their sessions;
     * disabling also revokes their tokens. */
    if (s == DK_OK && (u.is_disabled || in->has_password) && !is_self) {
        s = dk_store_session_delete_user(ctx_tx.tx, u.id, err);
    }
    if (s == DK_OK && u.is_disabled) {
        s = dk_store_token_revoke_user(ctx_tx.tx, u.id, dk_clock_now_ms(), err);
    }
    if (s != DK_OK) {
        core_rollback(&ctx_tx);
        return s;
    }
    return commit_and_read(ctx, &ctx_tx, u.id, out, err);
}

enum dk_status dk_core_user_get(struct dk_ctx *ctx, int64_t user_id,
                                struct dk_user *out, struct dk_err *err)
{
    if (user_id != ctx->actor->id && !dk_actor_is_agent(ctx->actor) &&
        !dk_actor_is_system(ctx->actor)) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "user not found");
    }
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_user_get(ctx_tx.tx, user_id, out, err);
    core_rollback(&ctx_tx);
    return s;
}

static enum dk_status parse_user_sort(const char *text, struct dk_user_query *q,
                                      struct dk_err *err)
{
    static const char *const names[] = {"id", "name", "email", "created_at",
                                        NULL};
    q->sort = DK_USER_SORT_ID;
    q->is_descending = false;
    if (!text) {
        return DK_OK;
    }
    q->is_descending = text[0] == '-';
    const char *name = q->is_descending ? text + 1 : text;
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], name) == 0) {
            q->sort = (enum dk_user_sort)i;
            return DK_OK;
        }
    }
    return dk_fail(err, DK_INVALID, "sort", "cannot sort users by '%s'", name);
}

enum dk_status dk_core_user_list(struct dk_ctx *ctx,
                                 const struct dk_user_list_params *p,
                                 struct dk_user_page *out, struct dk_err *err)
{
    if (!dk_actor_is_agent(ctx->actor) && !dk_actor_is_system(ctx->actor)) {
        return dk_fail(err, DK_DENIED, NULL, "only agents list users");
    }
    struct dk_user_query q = {.kind = p->kind, .role = p->role, .disabled = -1};
    if (p->role && !is_one_of(p->role, agent_roles) &&
        strcmp(p->role, "customer") != 0) {
        return dk_fail(err, DK_INVALID, "role", "unknown role '%s'", p->role);
    }
    if (p->kind && !is_one_of(p->kind, kinds)) {
        return dk_fail(err, DK_INVALID, "kind",
                       "'kind' must be 'agent' or 'customer'");
    }
    if (p->disabled) {
        if (strcmp(p->disabled, "true") != 0 &&
            strcmp(p->disabled, "false") != 0) {
            return dk_fail(err, DK_INVALID, "disabled",
                           "'disabled' must be true or false");
        }
        q.disabled = strcmp(p->disabled, "true") == 0;
    }
    if (p->q && *p->q) {
        enum dk_status s = check_text("q", p->q, 1, DK_MAX_NAME_CHARS, err);
        if (s != DK_OK) {
            return s;
        }
        q.prefix = p->q;
    }
    enum dk_status s = parse_user_sort(p->sort, &q, err);
    struct dk_page_query page;
    if (s == DK_OK) {
        struct dk_page_params pp = {p->cursor, p->limit};
        s = core_page_query(&pp, &page, err);
        q.cursor = page.cursor;
        q.limit = page.limit;
    }
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_user_list(ctx_tx.tx, &q, out, err);
    core_rollback(&ctx_tx);
    return s;
}
