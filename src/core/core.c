/* core.c — the core object, its transactions (which tell the realtime
 * stream after commit) and the event/changes writers every command uses. */
#include "core/core.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"

/* Two searches per CPU (one runs while the other waits on memory): more
 * would only share the same CPU, each holding its memory meanwhile. */
static unsigned search_slot_count(void)
{
    long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (n_cpus < 1) {
        n_cpus = 1;
    }
    return (unsigned)(n_cpus > DK_MAX_SEARCH_SLOTS ? DK_MAX_SEARCH_SLOTS
                                                   : n_cpus);
}

void core_search_enter(struct dk_core *core)
{
    while (sem_wait(&core->search_slots) != 0) {
        if (errno != EINTR) {
            dk_bug("core: sem_wait failed");
        }
    }
}

void core_search_leave(struct dk_core *core)
{
    sem_post(&core->search_slots);
}

enum dk_status dk_core_open(const struct dk_store_config *config,
                            struct dk_core **out, struct dk_err *err)
{
    if (sodium_init() < 0) {
        dk_bug("libsodium cannot initialise");
    }
    struct dk_store *store = NULL;
    enum dk_status s = dk_store_open(config, &store, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_core *core = dk_xcalloc(1, sizeof(*core));
    core->store = store;
    pthread_mutex_init(&core->hooks_lock, NULL);
    if (sem_init(&core->search_slots, 0, search_slot_count()) != 0) {
        dk_bug("core: sem_init failed");
    }
    /* shared/API.md asks for limits per account and per address; 5 and 20
     * failures per 15 minutes are documented in docs/api.md. */
    core->login_by_account = dk_ratelimit_new(5, 15 * 60 * 1000, 4096);
    core->login_by_address = dk_ratelimit_new(20, 15 * 60 * 1000, 4096);
    *out = core;
    return DK_OK;
}

void dk_core_free(struct dk_core *core)
{
    if (!core) {
        return;
    }
    dk_ratelimit_free(core->login_by_account);
    dk_ratelimit_free(core->login_by_address);
    dk_store_free(core->store);
    pthread_mutex_destroy(&core->hooks_lock);
    sem_destroy(&core->search_slots);
    free(core);
}

/* Calls every commit hook: the store's watcher calls this for events
 * committed elsewhere, core_commit for its own. */
static void call_commit_hooks(void *user, int64_t last_event_id)
{
    struct dk_core *core = user;
    pthread_mutex_lock(&core->hooks_lock);
    for (unsigned i = 0; i < core->n_commit_hooks; i++) {
        core->commit_hooks[i].fn(core->commit_hooks[i].user, last_event_id);
    }
    pthread_mutex_unlock(&core->hooks_lock);
}

void dk_core_add_commit_hook(struct dk_core *core, dk_core_commit_fn fn,
                             void *user)
{
    pthread_mutex_lock(&core->hooks_lock);
    if (core->n_commit_hooks == DK_MAX_COMMIT_HOOKS) {
        dk_bug("core: more than DK_MAX_COMMIT_HOOKS commit hooks");
    }
    core->commit_hooks[core->n_commit_hooks].fn = fn;
    core->commit_hooks[core->n_commit_hooks].user = user;
    bool is_first = core->n_commit_hooks++ == 0;
    pthread_mutex_unlock(&core->hooks_lock);
    if (!is_first) {
        return;
    }
    /* Events committed by other nodes reach the same hooks. */
    struct dk_err err;
    if (dk_store_watch(core->store, call_commit_hooks, core, &err) != DK_OK) {
        dk_log_warn("core: not watching other nodes' events (%s); they "
                    "arrive by polling",
                    err.message);
    }
}

void dk_core_remove_commit_hook(struct dk_core *core, dk_core_commit_fn fn,
                                void *user)
{
    pthread_mutex_lock(&core->hooks_lock);
    unsigned kept = 0;
    for (unsigned i = 0; i < core->n_commit_hooks; i++) {
        if (core->commit_hooks[i].fn != fn ||
            core->commit_hooks[i].user != user) {
            core->commit_hooks[kept++] = core->commit_hooks[i];
        }
    }
    core->n_commit_hooks = kept;
    pthread_mutex_unlock(&core->hooks_lock);
    /* Outside the lock: stopping the watcher waits for a call in flight. */
    if (kept == 0) {
        dk_store_unwatch(core->store);
    }
}

enum dk_status dk_core_migrate(const struct dk_store_config *from,
                               const struct dk_store_config *to,
                               struct dk_store_copy_report *report,
                               struct dk_err *err)
{
    struct dk_store *source = NULL;
    struct dk_store *target = NULL;
    enum dk_status s = dk_store_open(from, &source, err);
    if (s == DK_OK) {
        s = dk_store_open(to, &target, err);
    }
    if (s == DK_OK) {
        s = dk_store_copy(source, target, report, err);
    }
    dk_store_free(target);
    dk_store_free(source);
    return s;
}

int dk_core_schema_version(const struct dk_core *core)
{
    return dk_store_schema_version(core->store);
}

enum dk_status dk_core_last_event_id(struct dk_core *core, int64_t *out)
{
    return dk_store_last_event_id(core->store, out);
}

enum dk_status core_begin(struct dk_ctx *ctx, enum dk_tx_mode mode,
                          struct core_tx *ctx_tx, struct dk_err *err)
{
    ctx_tx->tx = NULL;
    ctx_tx->last_event_id = 0;
    return dk_store_begin(ctx->core->store, mode, ctx->arena, &ctx_tx->tx, err);
}

enum dk_status core_commit(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                           struct dk_err *err)
{
    enum dk_status s = dk_store_commit(ctx_tx->tx, err);
    ctx_tx->tx = NULL;
    if (s == DK_OK && ctx_tx->last_event_id) {
        call_commit_hooks(ctx->core, ctx_tx->last_event_id);
    }
    return s;
}

enum dk_status core_end(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                        enum dk_status s, struct dk_err *err)
{
    if (s != DK_OK) {
        core_rollback(ctx_tx);
        return s;
    }
    return core_commit(ctx, ctx_tx, err);
}

void core_rollback(struct core_tx *ctx_tx)
{
    dk_store_rollback(ctx_tx->tx);
    ctx_tx->tx = NULL;
}

/* ---- changes ---- */

void changes_init(struct changes *c, struct dk_arena *arena)
{
    dk_buf_init_arena(&c->buf, arena, 4 * 1024 * 1024);
    c->n_fields = 0;
}

static void field_start(struct changes *c, const char *field)
{
    dk_buf_appends(&c->buf, c->n_fields ? "," : "");
    dk_buf_append_json_string(&c->buf, field, strlen(field));
    dk_buf_appends(&c->buf, ":[");
    c->n_fields++;
}

static void json_text_or_null(struct dk_buf *buf, const char *s)
{
    if (!s) {
        dk_buf_appends(buf, "null");
        return;
    }
    dk_buf_append_json_string(buf, s, strlen(s));
}

void changes_text(struct changes *c, const char *field, const char *old_value,
                  const char *new_value)
{
    field_start(c, field);
    json_text_or_null(&c->buf, old_value);
    dk_buf_appendc(&c->buf, ',');
    json_text_or_null(&c->buf, new_value);
    dk_buf_appendc(&c->buf, ']');
}

void changes_i64(struct changes *c, const char *field, bool has_old,
                 int64_t old_value, bool has_new, int64_t new_value)
{
    field_start(c, field);
    if (has_old) {
        dk_buf_appendf(&c->buf, "%lld,", (long long)old_value);
    } else {
        dk_buf_appends(&c->buf, "null,");
    }
    if (has_new) {
        dk_buf_appendf(&c->buf, "%lld]", (long long)new_value);
    } else {
        dk_buf_appends(&c->buf, "null]");
    }
}

static void time_or_null(struct dk_buf *buf, int64_t ms)
{
    if (!ms) {
        dk_buf_appends(buf, "null");
        return;
    }
    char text[DK_TIME_TEXT_LEN];
    dk_format_time(ms, text);
    dk_buf_appendf(buf, "\"%s\"", text);
}

void changes_time(struct changes *c, const char *field, int64_t old_ms,
                  int64_t new_ms)
{
    field_start(c, field);
    time_or_null(&c->buf, old_ms);
    dk_buf_appendc(&c->buf, ',');
    time_or_null(&c->buf, new_ms);
    dk_buf_appendc(&c->buf, ']');
}

static void ref_or_null(struct dk_buf *buf, const struct dk_ref *r)
{
    if (!r || !r->id) {
        dk_buf_appends(buf, "null");
        return;
    }
    dk_buf_appendf(buf, "{\"id\":%lld,\"name\":", (long long)r->id);
    json_text_or_null(buf, r->name ? r->name : "");
    dk_buf_appendc(buf, '}');
}

void changes_ref(struct changes *c, const char *field,
                 const struct dk_ref *old_value, const struct dk_ref *new_value)
{
    field_start(c, field);
    ref_or_null(&c->buf, old_value);
    dk_buf_appendc(&c->buf, ',');
    ref_or_null(&c->buf, new_value);
    dk_buf_appendc(&c->buf, ']');
}

static void strs_array(struct dk_buf *buf, const struct dk_strs *list)
{
    dk_buf_appendc(buf, '[');
    for (size_t i = 0; list && i < list->n_items; i++) {
        dk_buf_appends(buf, i ? "," : "");
        json_text_or_null(buf, list->items[i]);
    }
    dk_buf_appendc(buf, ']');
}

void changes_strs(struct changes *c, const char *field,
                  const struct dk_strs *old_value,
                  const struct dk_strs *new_value)
{
    field_start(c, field);
    strs_array(&c->buf, old_value);
    dk_buf_appendc(&c->buf, ',');
    strs_array(&c->buf, new_value);
    dk_buf_appendc(&c->buf, ']');
}

const char *changes_event_data(struct changes *c, const char *extra)
{
    struct dk_buf out;
    dk_buf_init_arena(&out, c->buf.arena, 8 * 1024 * 1024);
    dk_buf_appends(&out, "{\"changes\":{");
    dk_buf_append(&out, dk_buf_cstr(&c->buf), c->buf.len);
    dk_buf_appendc(&out, '}');
    if (extra && *extra) {
        dk_buf_appendc(&out, ',');
        dk_buf_appends(&out, extra);
    }
    dk_buf_appendc(&out, '}');
    if (c->buf.has_failed || out.has_failed) {
        dk_bug("event data over 8 MiB");
    }
    return dk_buf_take(&out);
}

enum dk_status core_event(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                          const char *type, const char *data,
                          struct dk_err *err)
{
    struct dk_event e = {
        .at_ms = dk_clock_now_ms(),
        .actor = {ctx->actor->id, ctx->actor->name},
        .type = type,
        .is_internal = true,
        .data = data,
    };
    int64_t id = 0;
    enum dk_status s = dk_store_event_insert(ctx_tx->tx, &e, &id, err);
    if (s == DK_OK) {
        ctx_tx->last_event_id = id;
    }
    return s;
}

enum dk_status core_ticket_event(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                 const struct dk_ticket *t, const char *type,
                                 bool is_internal, const char *data,
                                 int64_t *event_id, struct dk_err *err)
{
    int64_t now = dk_clock_now_ms();
    struct dk_event e = {
        .at_ms = now,
        .actor = {ctx->actor->id, ctx->actor->name},
        .type = type,
        .ticket_id = t->id,
        .ticket_number = t->number,
        .requester_id = t->requester.id,
        .is_internal = is_internal,
        .data = data,
    };
    int64_t id = 0;
    enum dk_status s = dk_store_event_insert(ctx_tx->tx, &e, &id, err);
    if (s != DK_OK) {
        return s;
    }
    ctx_tx->last_event_id = id;
    if (event_id) {
        *event_id = id;
    }
    if (strcmp(type, "ticket.deleted") == 0) {
        return DK_OK;
    }
    s = dk_store_ticket_touch(ctx_tx->tx, t->id, id, now, err);
    /* An agent's own change never makes the ticket unread for them. */
    if (s == DK_OK && dk_actor_is_agent(ctx->actor)) {
        s = dk_store_ticket_mark_read(ctx_tx->tx, ctx->actor->id, t->id, id,
                                      err);
    }
    return s;
}
