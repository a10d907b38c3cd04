/* str.h — read-only views of input bytes; never assumed NUL-terminated. */
#ifndef DOCKET_BASE_STR_H
#define DOCKET_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct dk_str {
    const char *ptr;
    size_t len;
};

static inline struct dk_str dk_str_make(const char *ptr, size_t len)
{
    struct dk_str s = {ptr, len};
    return s;
}

static inline struct dk_str dk_str_cstr(const char *s)
{
    return dk_str_make(s, s ? strlen(s) : 0);
}

static inline bool dk_str_eq_cstr(struct dk_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && (n == 0 || memcmp(s.ptr, c, n) == 0);
}

/* Case-insensitive (ASCII) comparison with a C string. */
bool dk_str_ieq_cstr(struct dk_str s, const char *c);

/* Splits at the first sep: *head gets the part before, *rest what follows.
 * Returns false (and the whole input in head, rest empty) when absent. */
bool dk_str_split(struct dk_str in, char sep, struct dk_str *head,
                  struct dk_str *rest);

/* Removes ASCII spaces and tabs at both ends. */
struct dk_str dk_str_trim(struct dk_str s);

/* ASCII lower-casing in place of a NUL-terminated string. */
void dk_str_ascii_lower(char *s);

#endif
