/* parse.c — strict number and time parsing.
 * The calendar arithmetic is Howard Hinnant's days_from_civil algorithm. */
#include "base/parse.h"

#include <stdio.h>

bool dk_parse_i64(struct dk_str in, int64_t *out)
{
    size_t i = 0;
    bool is_negative = false;
    if (in.len && in.ptr[0] == '-') {
        is_negative = true;
        i = 1;
    }
    if (i == in.len || in.len - i > 19) {
        return false;
    }
    uint64_t v = 0;
    for (; i < in.len; i++) {
        char c = in.ptr[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (uint64_t)(c - '0');
    }
    /* 19 digits fit in uint64_t without wrapping; check the signed range. */
    if (!is_negative && v > (uint64_t)INT64_MAX) {
        return false;
    }
    if (is_negative && v > (uint64_t)INT64_MAX + 1) {
        return false;
    }
    *out = is_negative ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool dk_parse_id(struct dk_str in, int64_t *out)
{
    int64_t v;
    if (in.len == 0 || in.ptr[0] == '-' || !dk_parse_i64(in, &v) || v < 1) {
        return false;
    }
    *out = v;
    return true;
}

int64_t dk_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    unsigned yoe = (unsigned)(year - era * 400);
    unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void dk_civil_from_days(int64_t days, int64_t *year, unsigned *month,
                        unsigned *day)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (*month <= 2);
}

/* Reads exactly n digits at *pos into *out. */
static bool digits(struct dk_str in, size_t *pos, size_t n, unsigned *out)
{
    if (in.len - *pos < n) {
        return false;
    }
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in.ptr[*pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (unsigned)(c - '0');
    }
    *pos += n;
    *out = v;
    return true;
}

static bool expect(struct dk_str in, size_t *pos, const char *any_of)
{
    if (*pos >= in.len) {
        return false;
    }
    for (const char *a = any_of; *a; a++) {
        if (in.ptr[*pos] == *a) {
            (*pos)++;
            return true;
        }
    }
    return false;
}

static bool is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Parses the "Z" or "±HH:MM" offset into seconds east of UTC. */
static bool parse_offset(struct dk_str in, size_t *pos, int64_t *offset_s)
{
    if (expect(in, pos, "Zz")) {
        *offset_s = 0;
        return true;
    }
    if (*pos >= in.len) {
        return false;
    }
    char sign = in.ptr[*pos];
    unsigned oh;
    unsigned om;
    if (!expect(in, pos, "+-") || !digits(in, pos, 2, &oh) ||
        !expect(in, pos, ":") || !digits(in, pos, 2, &om) || oh > 23 ||
        om > 59) {
        return false;
    }
    *offset_s = (int64_t)(oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
    return true;
}

bool dk_parse_time(struct dk_str in, int64_t *out_ms)
{
    size_t pos = 0;
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!digits(in, &pos, 4, &y) || !expect(in, &pos, "-") ||
        !digits(in, &pos, 2, &mo) || !expect(in, &pos, "-") ||
        !digits(in, &pos, 2, &d) || !expect(in, &pos, "Tt ") ||
        !digits(in, &pos, 2, &h) || !expect(in, &pos, ":") ||
        !digits(in, &pos, 2, &mi) || !expect(in, &pos, ":") ||
        !digits(in, &pos, 2, &s)) {
        return false;
    }
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
        h > 23 || mi > 59 || s > 60) {
        return false;
    }
    unsigned ms = 0;
    if (pos < in.len && in.ptr[pos] == '.') {
        pos++;
        size_t start = pos;
        unsigned scale = 100;
        while (pos < in.len && in.ptr[pos] >= '0' && in.ptr[pos] <= '9') {
            ms += scale * (unsigned)(in.ptr[pos] - '0');
            scale /= 10;
            pos++;
        }
        if (pos == start || pos - start > 9) {
            return false;
        }
    }
    int64_t offset_s;
    if (!parse_offset(in, &pos, &offset_s) || pos != in.len) {
        return false;
    }
    if (s == 60) {
        s = 59; /* a leap second is held at :59 */
    }
    int64_t days = dk_days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_s;
    if (secs < 0) {
        return false;
    }
    *out_ms = secs * 1000 + ms;
    return true;
}

void dk_format_time(int64_t ms, char out[DK_TIME_TEXT_LEN])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int64_t year;
    unsigned month;
    unsigned day;
    dk_civil_from_days(days, &year, &month, &day);
    snprintf(out, DK_TIME_TEXT_LEN, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
             (long long)year, month, day, (unsigned)(rem / 3600),
             (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60));
}

static int base64url_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

bool dk_parse_base64url(struct dk_str in, unsigned char *out, size_t out_cap,
                        size_t *out_len)
{
    if (in.len % 4 == 1) {
        return false;
    }
    size_t n = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < in.len; i++) {
        int v = base64url_value(in.ptr[i]);
        if (v < 0) {
            return false;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == out_cap) {
                return false;
            }
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* Leftover bits must be zero, so each byte string has one encoding. */
    if (acc != 0) {
        return false;
    }
    *out_len = n;
    return true;
}
