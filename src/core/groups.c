/* groups.c — groups of agents: listed by agents, managed by admins. Each
 * change writes a group.* event (agents only) like every other change. */
#include <string.h>

#include "core/internal.h"

static const char *const assignments[] = {"manual", "round_robin",
                                          "least_loaded", "skills", NULL};

static enum dk_status check_members(struct dk_tx *tx,
                                    const struct dk_ids *members,
                                    struct dk_err *err)
{
    for (size_t i = 0; i < members->n_items; i++) {
        struct dk_user u;
        enum dk_status s = dk_store_user_get(tx, members->items[i], &u, err);
        if (s == DK_NOT_FOUND || (s == DK_OK && strcmp(u.kind, "agent") != 0)) {
            return dk_fail(err, DK_INVALID, "members", "no agent with id %lld",
                           (long long)members->items[i]);
        }
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

static enum dk_status apply_group_input(struct dk_group *g,
                                        const struct dk_group_input *in,
                                        struct dk_err *err)
{
    if (in->has_name) {
        enum dk_status s =
            check_text("name", in->name, 1, DK_MAX_NAME_CHARS, err);
        if (s != DK_OK) {
            return s;
        }
        g->name = in->name;
    }
    if (in->has_assignment) {
        if (!is_one_of(in->assignment, assignments)) {
            return dk_fail(err, DK_INVALID, "assignment",
                           "'assignment' must be manual, round_robin, "
                           "least_loaded or skills");
        }
        g->assignment = in->assignment;
    }
    if (in->has_members) {
        if (in->members.n_items > 10000) {
            return dk_fail(err, DK_INVALID, "members", "too many members");
        }
        g->members = in->members;
    }
    return DK_OK;
}

static enum dk_status require_admin(struct dk_ctx *ctx, struct dk_err *err)
{
    if (!dk_rights_of(ctx->actor).can_manage_settings) {
        return dk_fail(err, DK_DENIED, NULL, "only admins manage groups");
    }
    return DK_OK;
}

static enum dk_status require_agent(struct dk_ctx *ctx, struct dk_err *err)
{
    if (!dk_actor_is_agent(ctx->actor) && !dk_actor_is_system(ctx->actor)) {
        return dk_fail(err, DK_DENIED, NULL, "only agents see groups");
    }
    return DK_OK;
}

static const char *group_event_data(struct dk_ctx *ctx, const char *old_name,
                                    const struct dk_group *g)
{
    struct changes c;
    changes_init(&c, ctx->arena);
    if (!old_name || strcmp(old_name, g->name) != 0) {
        changes_text(&c, "name", old_name, g->name);
    }
    return changes_event_data(
        &c, dk_arena_printf(ctx->arena, "\"group\":%lld", (long long)g->id));
}

enum dk_status dk_core_group_list(struct dk_ctx *ctx,
                                  const struct dk_page_params *p,
                                  struct dk_group_page *out, struct dk_err *err)
{
    struct core_tx ctx_tx;
    struct dk_page_query page;
    enum dk_status s = require_agent(ctx, err);
    if (s == DK_OK) {
        s = core_page_query(p, &page, err);
    }
    if (s != DK_OK) {
        return s;
    }
    s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_group_page(ctx_tx.tx, &page, out, err);
    core_rollback(&ctx_tx);
    return s;
}

enum dk_status dk_core_group_get(struct dk_ctx *ctx, int64_t id,
                                 struct dk_group *out, struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = require_agent(ctx, err);
    if (s != DK_OK) {
        return s;
    }
    s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_group_read(ctx_tx.tx, id, out, err);
    core_rollback(&ctx_tx);
    return s;
}

/* Commits after reading the group back for the answer. */
static enum dk_status finish(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                             int64_t id, struct dk_group *out, enum dk_status s,
                             struct dk_err *err)
{
    if (s == DK_OK && out) {
        s = dk_store_group_read(ctx_tx->tx, id, out, err);
    }
    if (s != DK_OK) {
        core_rollback(ctx_tx);
        return s;
    }
    return core_commit(ctx, ctx_tx, err);
}

enum dk_status dk_core_group_create(struct dk_ctx *ctx,
                                    const struct dk_group_input *in,
                                    struct dk_group *out, struct dk_err *err)
{
    struct dk_group g = {.assignment = "manual",
                         .created_at_ms = dk_clock_now_ms()};
    enum dk_status s = require_admin(ctx, err);
    if (s == DK_OK && !in->has_name) {
        s = dk_fail(err, DK_INVALID, "name", "'name' is required");
    }
    if (s == DK_OK) {
        s = apply_group_input(&g, in, err);
    }
    struct core_tx ctx_tx;
    if (s != DK_OK) {
        return s;
    }
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = check_members(ctx_tx.tx, &g.members, err);
    if (s == DK_OK) {
        s = dk_store_group_insert(ctx_tx.tx, &g, &g.id, err);
    }
    if (s == DK_OK) {
        s = core_event(ctx, &ctx_tx, "group.created",
                       group_event_data(ctx, NULL, &g), err);
    }
    return finish(ctx, &ctx_tx, g.id, out, s, err);
}

enum dk_status dk_core_group_update(struct dk_ctx *ctx, int64_t id,
                                    const struct dk_group_input *in,
                                    struct dk_group *out, struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = require_admin(ctx, err);
    if (s != DK_OK) {
        return s;
    }
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_group g;
    s = dk_store_group_read(ctx_tx.tx, id, &g, err);
    const char *old_name = s == DK_OK ? g.name : NULL;
    if (s == DK_OK) {
        s = apply_group_input(&g, in, err);
    }
    if (s == DK_OK) {
        s = check_members(ctx_tx.tx, &g.members, err);
    }
    if (s == DK_OK) {
        s = dk_store_group_update(ctx_tx.tx, &g, err);
    }
    if (s == DK_OK) {
        s = core_event(ctx, &ctx_tx, "group.updated",
                       group_event_data(ctx, old_name, &g), err);
    }
    return finish(ctx, &ctx_tx, id, out, s, err);
}

enum dk_status dk_core_group_delete(struct dk_ctx *ctx, int64_t id,
                                    struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = require_admin(ctx, err);
    if (s != DK_OK) {
        return s;
    }
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_group g;
    s = dk_store_group_read(ctx_tx.tx, id, &g, err);
    if (s == DK_OK) {
        s = dk_store_group_delete(ctx_tx.tx, id, err);
    }
    if (s == DK_OK) {
        struct changes c;
        changes_init(&c, ctx->arena);
        changes_text(&c, "name", g.name, NULL);
        s = core_event(
            ctx, &ctx_tx, "group.deleted",
            changes_event_data(&c, dk_arena_printf(ctx->arena, "\"group\":%lld",
                                                   (long long)id)),
            err);
    }
    return finish(ctx, &ctx_tx, id, NULL, s, err);
}
