/* str.c — string view helpers. */
#include "base/str.h"

#include <ctype.h>

bool dk_str_ieq_cstr(struct dk_str s, const char *c)
{
    size_t n = strlen(c);
    if (s.len != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (tolower((unsigned char)s.ptr[i]) != tolower((unsigned char)c[i])) {
            return false;
        }
    }
    return true;
}

bool dk_str_split(struct dk_str in, char sep, struct dk_str *head,
                  struct dk_str *rest)
{
    const char *p = in.len ? memchr(in.ptr, sep, in.len) : NULL;
    if (!p) {
        *head = in;
        *rest = dk_str_make(in.ptr + in.len, 0);
        return false;
    }
    *head = dk_str_make(in.ptr, (size_t)(p - in.ptr));
    *rest = dk_str_make(p + 1, in.len - head->len - 1);
    return true;
}

struct dk_str dk_str_trim(struct dk_str s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
        s.ptr++;
        s.len--;
    }
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t')) {
        s.len--;
    }
    return s;
}

void dk_str_ascii_lower(char *s)
{
    for (; *s; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            *s = (char)(*s - 'A' + 'a');
        }
    }
}
