/* enums.c — statuses and priorities: listed by everyone signed in, created,
 * renamed, reordered and retired by admins (configuration is data). */
#include <string.h>

#include "core/internal.h"

static const char *const categories[] = {"open", "pending", "active", "closed",
                                         NULL};

static const char *table_noun(enum dk_enum_table table)
{
    return table == DK_ENUM_STATUS ? "status" : "priority";
}

enum dk_status dk_core_enum_list(struct dk_ctx *ctx, enum dk_enum_table table,
                                 const struct dk_page_params *p,
                                 struct dk_enum_page *out, struct dk_err *err)
{
    struct dk_page_query page;
    enum dk_status s = core_page_query(p, &page, err);
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_enum_page(ctx_tx.tx, table, &page, out, err);
    core_rollback(&ctx_tx);
    return s;
}

static enum dk_status apply_enum_input(enum dk_enum_table table,
                                       struct dk_enum_value *v,
                                       const struct dk_enum_input *in,
                                       struct dk_err *err)
{
    enum dk_status s = DK_OK;
    if (in->has_name) {
        s = check_text("name", in->name, 1, DK_MAX_NAME_CHARS, err);
        v->name = in->name;
    }
    if (s == DK_OK && in->has_category) {
        if (table != DK_ENUM_STATUS) {
            return dk_fail(err, DK_INVALID, "category",
                           "priorities have no category");
        }
        if (!is_one_of(in->category, categories)) {
            return dk_fail(err, DK_INVALID, "category",
                           "'category' must be open, pending, active or "
                           "closed");
        }
        v->category = in->category;
    }
    if (s == DK_OK && in->has_position) {
        if (in->position < 1 || in->position > 10000) {
            return dk_fail(err, DK_INVALID, "position",
                           "'position' must be 1–10000");
        }
        v->position = in->position;
    }
    if (in->has_retired) {
        v->is_retired = in->is_retired;
    }
    return s;
}

static enum dk_status require_settings_right(struct dk_ctx *ctx,
                                             struct dk_err *err)
{
    if (!dk_rights_of(ctx->actor).can_manage_settings) {
        return dk_fail(err, DK_DENIED, NULL,
                       "only admins change statuses and priorities");
    }
    return DK_OK;
}

/* The status.* or priority.* event of a change from old (NULL: created). */
static enum dk_status write_event(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                  enum dk_enum_table table,
                                  const struct dk_enum_value *old,
                                  const struct dk_enum_value *v,
                                  struct dk_err *err)
{
    struct changes c;
    changes_init(&c, ctx->arena);
    if (!old || strcmp(old->name, v->name) != 0) {
        changes_text(&c, "name", old ? old->name : NULL, v->name);
    }
    if (v->category && (!old || strcmp(old->category, v->category) != 0)) {
        changes_text(&c, "category", old ? old->category : NULL, v->category);
    }
    if (old && old->position != v->position) {
        changes_i64(&c, "position", true, old->position, true, v->position);
    }
    if (old && old->is_retired != v->is_retired) {
        changes_i64(&c, "retired", true, old->is_retired, true, v->is_retired);
    }
    const char *type = dk_arena_printf(ctx->arena, "%s.%s", table_noun(table),
                                       old ? "updated" : "created");
    const char *extra = dk_arena_printf(ctx->arena, "\"key\":\"%s\"", v->key);
    return core_event(ctx, ctx_tx, type, changes_event_data(&c, extra), err);
}

static enum dk_status finish_write(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                   enum dk_enum_table table, const char *key,
                                   struct dk_enum_value *out, enum dk_status s,
                                   struct dk_err *err)
{
    if (s == DK_OK) {
        s = dk_store_enum_get(ctx_tx->tx, table, key, out, err);
    }
    if (s != DK_OK) {
        core_rollback(ctx_tx);
        return s;
    }
    return core_commit(ctx, ctx_tx, err);
}

enum dk_status dk_core_enum_create(struct dk_ctx *ctx, enum dk_enum_table table,
                                   const struct dk_enum_input *in,
                                   struct dk_enum_value *out,
                                   struct dk_err *err)
{
    enum dk_status s = require_settings_right(ctx, err);
    if (s != DK_OK) {
        return s;
    }
    if (!in->has_key || !in->has_name) {
        const char *field = in->has_key ? "name" : "key";
        return dk_fail(err, DK_INVALID, field, "'%s' is required", field);
    }
    if (table == DK_ENUM_STATUS && !in->has_category) {
        return dk_fail(err, DK_INVALID, "category", "'category' is required");
    }
    struct dk_enum_value v = {.key = in->key, .position = 0};
    s = check_key("key", in->key, err);
    if (s == DK_OK) {
        s = apply_enum_input(table, &v, in, err);
    }
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_enum_insert(ctx_tx.tx, table, &v, err);
    if (s == DK_OK) {
        s = write_event(ctx, &ctx_tx, table, NULL, &v, err);
    }
    return finish_write(ctx, &ctx_tx, table, in->key, out, s, err);
}

enum dk_status dk_core_enum_update(struct dk_ctx *ctx, enum dk_enum_table table,
                                   const char *key,
                                   const struct dk_enum_input *in,
                                   struct dk_enum_value *out,
                                   struct dk_err *err)
{
    enum dk_status s = require_settings_right(ctx, err);
    if (s != DK_OK) {
        return s;
    }
    if (check_key("key", key, err) != DK_OK) {
        /* Such a key cannot exist. */
        return dk_fail(err, DK_NOT_FOUND, NULL, "%s not found",
                       table_noun(table));
    }
    if (in->has_key && strcmp(in->key, key) != 0) {
        return dk_fail(err, DK_INVALID, "key", "a %s's key cannot change",
                       table_noun(table));
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_enum_value v;
    s = dk_store_enum_get(ctx_tx.tx, table, key, &v, err);
    struct dk_enum_value old = v;
    if (s == DK_OK) {
        s = apply_enum_input(table, &v, in, err);
    }
    if (s == DK_OK) {
        s = dk_store_enum_update(ctx_tx.tx, table, &v, err);
    }
    if (s == DK_OK) {
        s = write_event(ctx, &ctx_tx, table, &old, &v, err);
    }
    return finish_write(ctx, &ctx_tx, table, key, out, s, err);
}
