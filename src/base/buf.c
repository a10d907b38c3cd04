/* buf.c — bounded string builder. */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void dk_buf_init(struct dk_buf *buf, size_t max_len)
{
    buf->ptr = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max_len = max_len;
    buf->has_failed = false;
    buf->arena = NULL;
}

void dk_buf_init_arena(struct dk_buf *buf, struct dk_arena *arena,
                       size_t max_len)
{
    dk_buf_init(buf, max_len);
    buf->arena = arena;
}

void dk_buf_release(struct dk_buf *buf)
{
    if (!buf->arena) {
        free(buf->ptr);
    }
    dk_buf_init_arena(buf, buf->arena, buf->max_len);
}

void dk_buf_reset(struct dk_buf *buf)
{
    buf->len = 0;
    buf->has_failed = false;
    if (buf->ptr) {
        buf->ptr[0] = '\0';
    }
}

/* Makes room for extra more bytes plus the NUL; false when over max_len. */
static bool grow(struct dk_buf *buf, size_t extra)
{
    if (buf->has_failed) {
        return false;
    }
    if (extra > buf->max_len - buf->len || buf->len > buf->max_len) {
        buf->has_failed = true;
        return false;
    }
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap) {
        return true;
    }
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > buf->max_len + 1) {
        cap = buf->max_len + 1;
    }
    if (buf->arena) {
        char *p = dk_arena_alloc(buf->arena, cap);
        if (buf->len) {
            memcpy(p, buf->ptr, buf->len);
        }
        buf->ptr = p;
    } else {
        buf->ptr = dk_xrealloc(buf->ptr, cap);
    }
    buf->cap = cap;
    return true;
}

void dk_buf_append(struct dk_buf *buf, const void *ptr, size_t len)
{
    if (!grow(buf, len)) {
        return;
    }
    if (len) {
        memcpy(buf->ptr + buf->len, ptr, len);
    }
    buf->len += len;
    buf->ptr[buf->len] = '\0';
}

void dk_buf_appends(struct dk_buf *buf, const char *s)
{
    dk_buf_append(buf, s, strlen(s));
}

void dk_buf_appendc(struct dk_buf *buf, char c)
{
    dk_buf_append(buf, &c, 1);
}

void dk_buf_appendf(struct dk_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(buf, (size_t)n)) {
        buf->has_failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
}

void dk_buf_append_i64(struct dk_buf *buf, int64_t v)
{
    char text[24];
    size_t at = sizeof(text);
    /* Through the unsigned magnitude: -INT64_MIN does not fit in int64. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        text[--at] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (v < 0) {
        text[--at] = '-';
    }
    dk_buf_append(buf, text + at, sizeof(text) - at);
}

/* Does byte c need an escape inside a JSON string? */
static bool is_json_special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

void dk_buf_append_json_string(struct dk_buf *buf, const char *s, size_t len)
{
    /* Upper-case hex, as jansson writes it. */
    static const char hex[] = "0123456789ABCDEF";
    dk_buf_appendc(buf, '"');
    size_t i = 0;
    while (i < len) {
        /* Runs of plain bytes go in at once: most text has no escapes. */
        size_t run = i;
        while (run < len && !is_json_special((unsigned char)s[run])) {
            run++;
        }
        dk_buf_append(buf, s + i, run - i);
        if (run == len) {
            break;
        }
        unsigned char c = (unsigned char)s[run];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            dk_buf_append(buf, esc, 2);
        } else if (c == '\n') {
            dk_buf_append(buf, "\\n", 2);
        } else if (c == '\r') {
            dk_buf_append(buf, "\\r", 2);
        } else if (c == '\t') {
            dk_buf_append(buf, "\\t", 2);
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            dk_buf_append(buf, esc, sizeof(esc));
        }
        i = run + 1;
    }
    dk_buf_appendc(buf, '"');
}

void dk_buf_append_hex(struct dk_buf *buf, const unsigned char *ptr, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char pair[2] = {hex[ptr[i] >> 4], hex[ptr[i] & 15]};
        dk_buf_append(buf, pair, 2);
    }
}

void dk_buf_append_base64url(struct dk_buf *buf, const unsigned char *ptr,
                             size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v =
            (uint32_t)ptr[i] << 16 | (uint32_t)ptr[i + 1] << 8 | ptr[i + 2];
        char out[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63],
                       alphabet[(v >> 6) & 63], alphabet[v & 63]};
        dk_buf_append(buf, out, 4);
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)ptr[i] << 16;
        char out[2] = {alphabet[v >> 18], alphabet[(v >> 12) & 63]};
        dk_buf_append(buf, out, 2);
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)ptr[i] << 16 | (uint32_t)ptr[i + 1] << 8;
        char out[3] = {alphabet[v >> 18], alphabet[(v >> 12) & 63],
                       alphabet[(v >> 6) & 63]};
        dk_buf_append(buf, out, 3);
    }
}

const char *dk_buf_cstr(const struct dk_buf *buf)
{
    return buf->ptr ? buf->ptr : "";
}

char *dk_buf_take(struct dk_buf *buf)
{
    char *p = buf->ptr;
    if (!p) {
        p = buf->arena ? dk_arena_strdup(buf->arena, "") : dk_xstrdup("");
    }
    dk_buf_init_arena(buf, buf->arena, buf->max_len);
    return p;
}
