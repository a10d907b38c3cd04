/* validate.c — checks shared by commands; each names the field at fault. */
#include <string.h>

#include "core/internal.h"

enum dk_status check_text(const char *field, const char *s, size_t min_chars,
                          size_t max_chars, struct dk_err *err)
{
    if (!s) {
        return dk_fail(err, DK_INVALID, field, "'%s' is required", field);
    }
    size_t len = strlen(s);
    if (!dk_utf8_is_valid(s, len)) {
        return dk_fail(err, DK_INVALID, field, "'%s' is not valid UTF-8",
                       field);
    }
    size_t n = dk_utf8_count(s, len);
    if (n < min_chars) {
        return dk_fail(err, DK_INVALID, field,
                       min_chars == 1 ? "'%s' must not be empty"
                                      : "'%s' is too short",
                       field);
    }
    if (n > max_chars) {
        return dk_fail(err, DK_INVALID, field,
                       "'%s' is longer than %zu characters", field, max_chars);
    }
    return DK_OK;
}

/* A pragmatic address check: one '@', a non-empty local part, a domain with
 * a dot-free-or-dotted label structure and no spaces or control bytes. */
enum dk_status check_email(const char *field, const char *s, struct dk_err *err)
{
    if (!s || !*s) {
        return dk_fail(err, DK_INVALID, field, "'%s' is required", field);
    }
    size_t len = strlen(s);
    const char *at = strchr(s, '@');
    bool is_valid = len <= DK_MAX_EMAIL_BYTES && at && at != s &&
                    strchr(at + 1, '@') == NULL && at[1] != '\0' &&
                    at[1] != '.' && s[len - 1] != '.';
    for (size_t i = 0; is_valid && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' ||
            c == ';' || c == '"' || c == '\\') {
            is_valid = false;
        }
    }
    if (!is_valid || !dk_utf8_is_valid(s, len)) {
        return dk_fail(err, DK_INVALID, field, "'%s' is not an email address",
                       s);
    }
    return DK_OK;
}

enum dk_status check_key(const char *field, const char *s, struct dk_err *err)
{
    size_t len = s ? strlen(s) : 0;
    bool is_valid = len >= 1 && len <= DK_MAX_KEY_BYTES;
    for (size_t i = 0; is_valid && i < len; i++) {
        char c = s[i];
        is_valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (!is_valid) {
        return dk_fail(err, DK_INVALID, field,
                       "'%s' must be 1–32 of a-z, 0-9 and _", field);
    }
    return DK_OK;
}

bool is_one_of(const char *s, const char *const *allowed)
{
    for (; s && *allowed; allowed++) {
        if (strcmp(s, *allowed) == 0) {
            return true;
        }
    }
    return false;
}

enum dk_status load_visible_ticket(struct dk_ctx *ctx, struct dk_tx *tx,
                                   int64_t number, struct dk_ticket *out,
                                   struct dk_err *err)
{
    int64_t reader = dk_actor_is_agent(ctx->actor) ? ctx->actor->id : 0;
    enum dk_status s = dk_store_ticket_get(tx, number, reader, out, err);
    if (s != DK_OK) {
        return s;
    }
    if (!dk_can_see_ticket(ctx->actor, out)) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "ticket %lld not found",
                       (long long)number);
    }
    return DK_OK;
}
