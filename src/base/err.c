/* err.c — the status table and the error sink. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct status_row {
    int http;
    const char *code;
};

/* One row per status; the API error codes are documented in docs/api.md. */
static const struct status_row status_table[DK_STATUS_COUNT] = {
    [DK_OK] = {200, "ok"},
    [DK_MALFORMED] = {400, "malformed"},
    [DK_UNAUTHENTICATED] = {401, "unauthenticated"},
    [DK_DENIED] = {403, "forbidden"},
    [DK_NOT_FOUND] = {404, "not_found"},
    [DK_METHOD] = {405, "method_not_allowed"},
    [DK_CONFLICT] = {409, "conflict"},
    [DK_TOO_LARGE] = {413, "too_large"},
    [DK_UNSUPPORTED] = {415, "unsupported_media_type"},
    [DK_INVALID] = {422, "validation_failed"},
    [DK_RATE_LIMITED] = {429, "rate_limited"},
    [DK_BUSY] = {503, "unavailable"},
    [DK_INTERNAL] = {500, "internal"},
};

void dk_err_init(struct dk_err *err)
{
    err->status = DK_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

enum dk_status dk_fail(struct dk_err *err, enum dk_status status,
                       const char *field, const char *fmt, ...)
{
    if (!err) {
        return status;
    }
    err->status = status;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return status;
}

int dk_status_http(enum dk_status s)
{
    if ((unsigned)s >= DK_STATUS_COUNT) {
        return 500;
    }
    return status_table[s].http;
}

const char *dk_status_code(enum dk_status s)
{
    if ((unsigned)s >= DK_STATUS_COUNT) {
        return "internal";
    }
    return status_table[s].code;
}

void dk_bug(const char *what)
{
    fprintf(stderr, "docket: bug: %s\n", what);
    abort();
}
