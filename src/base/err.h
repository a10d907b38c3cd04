/* err.h — the one status enum and the fixed-size error sink.
 *
 * Every function that can fail returns enum dk_status. Failures that can
 * reach a person also fill a struct dk_err (no allocation), which the edge
 * (HTTP handler, CLI, mail-in) turns into its answer exactly once. */
#ifndef DOCKET_BASE_ERR_H
#define DOCKET_BASE_ERR_H

#include <stdbool.h>
#include <stddef.h>

#define DK_MUST_USE __attribute__((warn_unused_result))
#define DK_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum dk_status {
    DK_OK = 0,
    DK_MALFORMED,       /* 400: the request cannot be parsed */
    DK_UNAUTHENTICATED, /* 401 */
    DK_DENIED,          /* 403 */
    DK_NOT_FOUND,       /* 404, also for what the caller may not see */
    DK_METHOD,          /* 405 */
    DK_CONFLICT,        /* 409 */
    DK_TOO_LARGE,       /* 413 */
    DK_UNSUPPORTED,     /* 415 */
    DK_INVALID,         /* 422 */
    DK_RATE_LIMITED,    /* 429 */
    DK_BUSY,            /* 503: retry later; mail-in exits 75 */
    DK_INTERNAL,        /* 500: a bug or a storage failure */
    DK_STATUS_COUNT
};

struct dk_err {
    enum dk_status status;
    char field[64];    /* empty when no single field is at fault */
    char message[256]; /* lower-case start, no final period */
};

/* Fills err (when not NULL) and returns status, so callers can write
 * `return dk_fail(err, DK_INVALID, "subject", "…");`. field may be NULL. */
enum dk_status dk_fail(struct dk_err *err, enum dk_status status,
                       const char *field, const char *fmt, ...) DK_PRINTF(4, 5);

/* Resets err to "no error". */
void dk_err_init(struct dk_err *err);

/* HTTP status code of s (200 for DK_OK). */
int dk_status_http(enum dk_status s);

/* API error code string of s ("validation_failed", …); static storage. */
const char *dk_status_code(enum dk_status s);

/* Aborts the process with a message: an impossible state was reached. */
_Noreturn void dk_bug(const char *what) __attribute__((noreturn));

#endif
