/* utf8.h — UTF-8 validation and counting (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
#ifndef DOCKET_BASE_UTF8_H
#define DOCKET_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at ptr are valid UTF-8 without NUL bytes. */
bool dk_utf8_is_valid(const char *ptr, size_t len);

/* Number of code points in valid UTF-8. */
size_t dk_utf8_count(const char *ptr, size_t len);

/* Replaces each byte that does not start a valid sequence (and each NUL
 * before len) with '?', in place, so that s can go into JSON. */
void dk_utf8_sanitize(char *s, size_t len);

#endif
