/* mentions.c — who an agent's message mentions with "@handle": the agent
 * whose email starts with "handle@", or else the only agent whose first name
 * is "handle" (case-insensitive for Latin letters). The ids go into the
 * message.created event ("mentions"), so the stream tells each browser
 * whether it was mentioned without anyone downloading the thread. */
#include <string.h>
#include <strings.h>

#include "core/internal.h"

enum {
    MAX_HANDLE_BYTES = 64,
    /* Agents looked at per handle: those whose name or email starts with
     * it. More than this and a first name is too common to mean anyone. */
    MAX_CANDIDATES = 20,
};

static bool is_handle_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
           c >= 0x80; /* UTF-8 letters of non-Latin names */
}

/* The handle after the '@' at body[at], or an empty view when that '@' does
 * not start a mention (it is inside an email address or a word). */
static struct dk_str handle_at(const char *body, size_t len, size_t at)
{
    struct dk_str none = {body, 0};
    if (at > 0 && is_handle_byte((unsigned char)body[at - 1])) {
        return none;
    }
    size_t end = at + 1;
    while (end < len && is_handle_byte((unsigned char)body[end])) {
        end++;
    }
    /* "@ann." at the end of a sentence is "ann". */
    while (end > at + 1 && strchr("._-", body[end - 1])) {
        end--;
    }
    size_t n = end - at - 1;
    return n > 0 && n <= MAX_HANDLE_BYTES ? dk_str_make(body + at + 1, n)
                                          : none;
}

/* ASCII case folding only (strncasecmp in the C locale): both backends
 * and every name compare the same way. */
static bool is_email_handle(const struct dk_user *u, struct dk_str handle)
{
    const char *at = strchr(u->email, '@');
    return at && (size_t)(at - u->email) == handle.len &&
           strncasecmp(u->email, handle.ptr, handle.len) == 0;
}

static bool is_first_name(const struct dk_user *u, struct dk_str handle)
{
    return strcspn(u->name, " \t") == handle.len &&
           strncasecmp(u->name, handle.ptr, handle.len) == 0;
}

static void add_unique(struct dk_ids *ids, int64_t id)
{
    for (size_t i = 0; i < ids->n_items; i++) {
        if (ids->items[i] == id) {
            return;
        }
    }
    if (ids->n_items < DK_MAX_MENTIONS) {
        ids->items[ids->n_items++] = id;
    }
}

/* The agent handle names, if any, among the enabled agents whose name or
 * email starts with it. */
static enum dk_status resolve_handle(struct dk_ctx *ctx, struct dk_tx *tx,
                                     struct dk_str handle, struct dk_ids *out,
                                     struct dk_err *err)
{
    struct dk_user_query q = {
        .kind = "agent",
        .prefix = dk_arena_strndup(ctx->arena, handle.ptr, handle.len),
        .disabled = 0,
        .sort = DK_USER_SORT_ID,
        .limit = MAX_CANDIDATES,
    };
    struct dk_user_page page;
    enum dk_status s = dk_store_user_list(tx, &q, &page, err);
    if (s != DK_OK) {
        return s;
    }
    int64_t by_name = 0;
    size_t n_by_name = 0;
    for (size_t i = 0; i < page.n_items; i++) {
        if (is_email_handle(&page.items[i], handle)) {
            add_unique(out, page.items[i].id);
            return DK_OK;
        }
        if (is_first_name(&page.items[i], handle)) {
            by_name = page.items[i].id;
            n_by_name++;
        }
    }
    if (n_by_name == 1 && !page.next_cursor) {
        add_unique(out, by_name);
    }
    return DK_OK;
}

enum dk_status core_mentions(struct dk_ctx *ctx, struct dk_tx *tx,
                             const char *body, struct dk_ids *out,
                             struct dk_err *err)
{
    out->items = dk_arena_calloc(ctx->arena, DK_MAX_MENTIONS, sizeof(int64_t));
    out->n_items = 0;
    size_t len = strlen(body);
    size_t n_handles = 0;
    for (const char *p = memchr(body, '@', len);
         p && n_handles < DK_MAX_MENTIONS;
         p = memchr(p + 1, '@', len - (size_t)(p + 1 - body))) {
        struct dk_str handle = handle_at(body, len, (size_t)(p - body));
        if (!handle.len) {
            continue;
        }
        n_handles++;
        enum dk_status s = resolve_handle(ctx, tx, handle, out, err);
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}
