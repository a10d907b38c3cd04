/* messages.c — the thread (inbound messages, public replies, internal
 * notes), the history, the event feed for the stream, and attachments. */
#include <sodium.h>
#include <string.h>

#include "core/internal.h"

/* The stored kind of a post: customers' posts are inbound; agents choose
 * reply or note; collaborators may only write notes. */
static enum dk_status message_kind(const struct dk_actor *a, const char *asked,
                                   const char **kind, struct dk_err *err)
{
    bool is_note = asked && strcmp(asked, "note") == 0;
    if (asked && !is_note && strcmp(asked, "reply") != 0) {
        return dk_fail(err, DK_INVALID, "kind",
                       "'kind' must be 'reply' or 'note'");
    }
    if (!dk_actor_is_agent(a) && !dk_actor_is_system(a)) {
        if (is_note) {
            return dk_fail(err, DK_DENIED, "kind",
                           "customers cannot write internal notes");
        }
        *kind = "inbound";
        return DK_OK;
    }
    if (!is_note && a->role && strcmp(a->role, "collaborator") == 0) {
        return dk_fail(err, DK_DENIED, "kind",
                       "collaborators can only write internal notes");
    }
    *kind = is_note ? "note" : "reply";
    return DK_OK;
}

static enum dk_status link_attachments(struct dk_ctx *ctx, struct dk_tx *tx,
                                       const struct dk_ids *ids,
                                       int64_t message_id, struct dk_err *err)
{
    for (size_t i = 0; i < ids->n_items; i++) {
        struct dk_attachment a;
        enum dk_status s = dk_store_attachment_get(tx, ids->items[i], &a, err);
        if (s == DK_NOT_FOUND ||
            (s == DK_OK && a.uploaded_by != ctx->actor->id)) {
            return dk_fail(err, DK_INVALID, "attachments",
                           "attachment %lld not found",
                           (long long)ids->items[i]);
        }
        if (s == DK_OK) {
            s = dk_store_attachment_link(tx, a.id, message_id, err);
        }
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

/* Appends the addresses of t's followers to payload as a JSON array: every
 * enabled follower but the reply's author and the requester, who get it
 * anyway (shared/API.md: a reply goes to the requester and followers). */
static enum dk_status append_follower_addresses(struct dk_tx *tx,
                                                const struct dk_ticket *t,
                                                int64_t author_id,
                                                struct dk_buf *payload,
                                                struct dk_err *err)
{
    dk_buf_appendc(payload, '[');
    size_t n = 0;
    for (size_t i = 0; i < t->n_followers; i++) {
        int64_t id = t->followers[i].id;
        if (id == author_id || id == t->requester.id) {
            continue;
        }
        struct dk_user u;
        enum dk_status s = dk_store_user_get(tx, id, &u, err);
        if (s != DK_OK) {
            return s;
        }
        if (!u.is_disabled) {
            dk_buf_appends(payload, n++ ? "," : "");
            dk_buf_append_json_string(payload, u.email, strlen(u.email));
        }
    }
    dk_buf_appendc(payload, ']');
    return DK_OK;
}

/* The outbox row of a public reply: its email, to the requester with the
 * followers as blind copies, addressed as the ticket stands now (src/jobs/
 * delivers it). */
static enum dk_status queue_reply(struct dk_ctx *ctx, struct dk_tx *tx,
                                  const struct dk_ticket *t,
                                  const struct dk_message *m, int64_t event_id,
                                  struct dk_err *err)
{
    struct dk_buf payload;
    dk_buf_init_arena(&payload, ctx->arena, 64 * 1024);
    dk_buf_appendf(&payload, "{\"ticket\":%lld,\"message_id\":%lld,\"to\":",
                   (long long)t->number, (long long)m->id);
    dk_buf_append_json_string(&payload, t->requester_email,
                              strlen(t->requester_email));
    dk_buf_appends(&payload, ",\"bcc\":");
    enum dk_status s =
        append_follower_addresses(tx, t, m->author.id, &payload, err);
    dk_buf_appendc(&payload, '}');
    struct dk_outbox_item item = {
        .event_id = event_id,
        .message_id = m->id,
        .kind = "email.reply",
        .payload = dk_buf_cstr(&payload),
    };
    return s == DK_OK ? dk_store_outbox_insert(tx, &item, err) : s;
}

static enum dk_status validate_message(const struct dk_message_input *in,
                                       struct dk_err *err)
{
    enum dk_status s = check_text("body", in->body, 1, DK_MAX_TEXT_CHARS, err);
    if (s == DK_OK &&
        in->attachments.n_items > DK_MAX_ATTACHMENTS_PER_MESSAGE) {
        s = dk_fail(err, DK_INVALID, "attachments",
                    "at most %d attachments per message",
                    DK_MAX_ATTACHMENTS_PER_MESSAGE);
    }
    return s;
}

/* The message.created event's own fields: the message's id and kind, and
 * the agents an agent's reply or note mentions (customers mention no one). */
static enum dk_status message_event_extra(struct dk_ctx *ctx, struct dk_tx *tx,
                                          const struct dk_message *m,
                                          const char **out, struct dk_err *err)
{
    struct dk_ids mentions = {NULL, 0};
    if (strcmp(m->kind, "inbound") != 0 && strchr(m->body, '@')) {
        enum dk_status s = core_mentions(ctx, tx, m->body, &mentions, err);
        if (s != DK_OK) {
            return s;
        }
    }
    struct dk_buf b;
    dk_buf_init_arena(&b, ctx->arena, 1024);
    dk_buf_appendf(&b, "\"message_id\":%lld,\"kind\":\"%s\",\"mentions\":[",
                   (long long)m->id, m->kind);
    for (size_t i = 0; i < mentions.n_items; i++) {
        dk_buf_appendf(&b, "%s%lld", i ? "," : "",
                       (long long)mentions.items[i]);
    }
    dk_buf_appendc(&b, ']');
    *out = dk_buf_cstr(&b);
    return DK_OK;
}

enum dk_status core_write_message(struct dk_ctx *ctx, struct core_tx *ctx_tx,
                                  struct dk_ticket *t,
                                  const struct dk_message_input *in,
                                  struct dk_message *m, struct dk_err *err)
{
    struct dk_tx *tx = ctx_tx->tx;
    enum dk_status s = dk_store_message_insert(tx, m, &m->id, err);
    if (s == DK_OK) {
        s = link_attachments(ctx, tx, &in->attachments, m->id, err);
    }
    bool is_first_response =
        strcmp(m->kind, "reply") == 0 && !t->first_response_at_ms;
    if (s == DK_OK && is_first_response) {
        t->first_response_at_ms = m->created_at_ms;
        s = dk_store_ticket_update(tx, t, err);
    }
    int64_t event_id = 0;
    if (s == DK_OK) {
        struct changes c;
        changes_init(&c, ctx->arena);
        if (is_first_response) {
            changes_time(&c, "first_response_at", 0, m->created_at_ms);
        }
        const char *extra = NULL;
        s = message_event_extra(ctx, tx, m, &extra, err);
        if (s == DK_OK) {
            s = core_ticket_event(
                ctx, ctx_tx, t, "message.created", strcmp(m->kind, "note") == 0,
                changes_event_data(&c, extra), &event_id, err);
        }
    }
    if (s == DK_OK && strcmp(m->kind, "reply") == 0) {
        s = queue_reply(ctx, tx, t, m, event_id, err);
    }
    return s;
}

enum dk_status dk_core_message_create(struct dk_ctx *ctx, int64_t number,
                                      const struct dk_message_input *in,
                                      struct dk_message *out,
                                      struct dk_err *err)
{
    struct dk_message m = {
        .body = in->body,
        .author = {ctx->actor->id, ctx->actor->name},
        .created_at_ms = dk_clock_now_ms(),
    };
    enum dk_status s = validate_message(in, err);
    if (s == DK_OK) {
        s = message_kind(ctx->actor, in->kind, &m.kind, err);
    }
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_ticket t;
    s = load_visible_ticket(ctx, ctx_tx.tx, number, &t, err);
    m.ticket_id = t.id;
    m.ticket_number = t.number;
    if (s == DK_OK) {
        s = core_write_message(ctx, &ctx_tx, &t, in, &m, err);
    }
    if (s == DK_OK) {
        s = dk_store_message_get(ctx_tx.tx, m.id, out, err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}

static bool sees_notes(const struct dk_actor *a)
{
    return dk_actor_is_agent(a) || dk_actor_is_system(a);
}

/* The page parameters and what the actor may see of one visible ticket. */
static enum dk_status thread_query(struct dk_ctx *ctx, struct dk_tx *tx,
                                   int64_t number,
                                   const struct dk_page_params *p,
                                   struct dk_thread_query *out,
                                   struct dk_err *err)
{
    memset(out, 0, sizeof(*out));
    struct dk_page_query page;
    enum dk_status s = core_page_query(p, &page, err);
    struct dk_ticket t;
    if (s == DK_OK) {
        s = load_visible_ticket(ctx, tx, number, &t, err);
    }
    if (s != DK_OK) {
        return s;
    }
    out->ticket_id = t.id;
    out->cursor = page.cursor;
    out->limit = page.limit;
    if (!sees_notes(ctx->actor)) {
        /* A customer's view: no notes, and no events from before a change
         * of requester (the rule of dk_can_see_event, as a filter). */
        out->is_internal_hidden = true;
        out->scope_requester_id = ctx->actor->id;
    }
    return DK_OK;
}

enum dk_status dk_core_message_list(struct dk_ctx *ctx, int64_t number,
                                    const struct dk_page_params *p,
                                    struct dk_message_page *out,
                                    struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_thread_query tq;
    s = thread_query(ctx, ctx_tx.tx, number, p, &tq, err);
    if (s == DK_OK) {
        s = dk_store_message_page(ctx_tx.tx, &tq, out, err);
    }
    /* How the relay answered is the team's business, not the customer's. */
    for (size_t i = 0;
         s == DK_OK && !sees_notes(ctx->actor) && i < out->n_items; i++) {
        out->items[i].delivery = (struct dk_delivery){0};
    }
    core_rollback(&ctx_tx);
    return s;
}

/* Keeps the events of items that the actor may see, in place. */
static void filter_events(const struct dk_actor *a, struct dk_event *items,
                          size_t *n_items)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n_items; i++) {
        if (dk_can_see_event(a, &items[i])) {
            items[kept++] = items[i];
        }
    }
    *n_items = kept;
}

enum dk_status dk_core_event_list(struct dk_ctx *ctx, int64_t number,
                                  const struct dk_page_params *p,
                                  struct dk_event_page *out, struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_thread_query tq;
    s = thread_query(ctx, ctx_tx.tx, number, p, &tq, err);
    if (s == DK_OK) {
        s = dk_store_event_page(ctx_tx.tx, &tq, out, err);
    }
    core_rollback(&ctx_tx);
    return s;
}

enum dk_status dk_core_events_after(struct dk_ctx *ctx, int64_t after_id,
                                    unsigned limit, struct dk_event **items,
                                    size_t *n_items, int64_t *scanned_to,
                                    struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_event_list_after(ctx_tx.tx, after_id, limit, items, n_items,
                                  err);
    core_rollback(&ctx_tx);
    if (s != DK_OK) {
        return s;
    }
    *scanned_to = *n_items ? (*items)[*n_items - 1].id : after_id;
    filter_events(ctx->actor, *items, n_items);
    return DK_OK;
}

/* ---- attachments ---- */

const char *dk_core_safe_content_type(const char *type)
{
    /* Types a browser shows without running anything. Everything else is
     * served as a download of opaque bytes. */
    static const char *const safe[] = {
        "image/png",       "image/jpeg", "image/gif", "image/webp",
        "application/pdf", "text/plain", "text/csv",  "application/zip",
        "audio/mpeg",      "audio/ogg",  "audio/wav", "video/mp4",
        "video/webm",      NULL};
    return is_one_of(type, safe) ? type : "application/octet-stream";
}

/* A file name without path parts or control characters. */
static const char *clean_name(struct dk_arena *arena, const char *name)
{
    if (!name || !*name) {
        return "attachment";
    }
    const char *base = name;
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == '\\') {
            base = p + 1;
        }
    }
    char *out = dk_arena_strdup(arena, *base ? base : "attachment");
    for (char *p = out; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"') {
            *p = '_';
        }
    }
    return out;
}

/* The media type without parameters, lower-cased; a default when absent. */
static const char *clean_type(struct dk_arena *arena, const char *type)
{
    if (!type || !*type) {
        return "application/octet-stream";
    }
    size_t len = strcspn(type, "; \t");
    char *out = dk_arena_strndup(arena, type, len > 127 ? 127 : len);
    dk_str_ascii_lower(out);
    /* RFC 6838 names: anything else is not a media type we could trust. */
    for (const char *p = out; *p; p++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-/", *p)) {
            return "application/octet-stream";
        }
    }
    return *out ? out : "application/octet-stream";
}

enum dk_status dk_core_attachment_upload(struct dk_ctx *ctx,
                                         const struct dk_upload *in,
                                         struct dk_attachment *out,
                                         struct dk_err *err)
{
    if (in->len == 0) {
        return dk_fail(err, DK_INVALID, "body", "the file is empty");
    }
    if (in->len > DK_MAX_ATTACHMENT_BYTES) {
        return dk_fail(err, DK_TOO_LARGE, NULL,
                       "the file is larger than %d "
                       "bytes",
                       DK_MAX_ATTACHMENT_BYTES);
    }
    const char *name = clean_name(ctx->arena, in->name);
    enum dk_status s = check_text("name", name, 1, DK_MAX_FILENAME_BYTES, err);
    if (s != DK_OK) {
        return s;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, in->data, in->len);
    struct dk_buf hex;
    dk_buf_init_arena(&hex, ctx->arena, 64);
    dk_buf_append_hex(&hex, digest, sizeof(digest));
    memset(out, 0, sizeof(*out));
    out->sha256 = dk_buf_take(&hex);
    out->name = name;
    out->type = clean_type(ctx->arena, in->type);
    out->size = (int64_t)in->len;
    out->uploaded_by = ctx->actor->id;
    out->created_at_ms = dk_clock_now_ms();
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_attachment_insert(ctx_tx.tx, out, in->data, &out->id, err);
    return core_end(ctx, &ctx_tx, s, err);
}

enum dk_status dk_core_attachment_read(struct dk_ctx *ctx, int64_t id,
                                       struct dk_attachment *out,
                                       const void **data, size_t *len,
                                       struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_attachment_get(ctx_tx.tx, id, out, err);
    bool may_read = s == DK_OK && out->uploaded_by == ctx->actor->id;
    if (s == DK_OK && !may_read && out->ticket_number) {
        /* Readable by whoever can read the message it is on. */
        struct dk_ticket t;
        struct dk_err ignored;
        may_read =
            load_visible_ticket(ctx, ctx_tx.tx, out->ticket_number, &t,
                                &ignored) == DK_OK &&
            (strcmp(out->message_kind, "note") != 0 || sees_notes(ctx->actor));
    }
    if (s == DK_OK && !may_read) {
        s = dk_fail(err, DK_NOT_FOUND, NULL, "attachment %lld not found",
                    (long long)id);
    }
    if (s == DK_OK) {
        s = dk_store_blob_get(ctx_tx.tx, out->sha256, data, len, err);
    }
    core_rollback(&ctx_tx);
    return s;
}
