/* buf.h — the one string builder: bounded, NUL-terminated, sticky failure.
 *
 * A buffer has a hard maximum set at init. An append that would pass it sets
 * has_failed and every later append does nothing, so a sequence of appends is
 * checked once at the end. Heap-backed unless initialised with an arena. */
#ifndef DOCKET_BASE_BUF_H
#define DOCKET_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct dk_buf {
    char *ptr;              /* NUL-terminated when len > 0 or cap > 0 */
    size_t len;             /* bytes, excluding the NUL */
    size_t cap;             /* allocated bytes */
    size_t max_len;         /* hard maximum of len */
    bool has_failed;        /* sticky: an append passed max_len */
    struct dk_arena *arena; /* NULL: heap, freed by dk_buf_release */
};

/* Heap-backed buffer of at most max_len bytes. */
void dk_buf_init(struct dk_buf *buf, size_t max_len);

/* Arena-backed buffer: memory dies with the arena; release is a no-op. */
void dk_buf_init_arena(struct dk_buf *buf, struct dk_arena *arena,
                       size_t max_len);

void dk_buf_release(struct dk_buf *buf);

/* Empties the buffer, keeping its memory and clearing has_failed. */
void dk_buf_reset(struct dk_buf *buf);

void dk_buf_append(struct dk_buf *buf, const void *ptr, size_t len);
void dk_buf_appends(struct dk_buf *buf, const char *s);
void dk_buf_appendc(struct dk_buf *buf, char c);
void dk_buf_appendf(struct dk_buf *buf, const char *fmt, ...) DK_PRINTF(2, 3);
/* Decimal text of v, without printf's cost. */
void dk_buf_append_i64(struct dk_buf *buf, int64_t v);

/* Appends s (len bytes, valid UTF-8) as a quoted JSON string. */
void dk_buf_append_json_string(struct dk_buf *buf, const char *s, size_t len);

/* Appends bytes as lower-case hex. */
void dk_buf_append_hex(struct dk_buf *buf, const unsigned char *ptr,
                       size_t len);

/* Appends bytes as unpadded base64url (RFC 4648 §5). */
void dk_buf_append_base64url(struct dk_buf *buf, const unsigned char *ptr,
                             size_t len);

/* The contents as a C string; "" for an empty buffer. Borrowed. */
const char *dk_buf_cstr(const struct dk_buf *buf);

/* Hands the bytes to the caller (free() for heap buffers, arena-owned
 * otherwise) and re-initialises the buffer. Never NULL. */
char *dk_buf_take(struct dk_buf *buf);

#endif
