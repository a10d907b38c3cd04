/* parse.h — numbers and times from untrusted text. Empty input, trailing
 * bytes and overflow are errors, never silently accepted. */
#ifndef DOCKET_BASE_PARSE_H
#define DOCKET_BASE_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

/* Decimal integer with optional leading '-'; false on anything else. */
bool dk_parse_i64(struct dk_str in, int64_t *out);

/* Like dk_parse_i64, but only 1..INT64_MAX. */
bool dk_parse_id(struct dk_str in, int64_t *out);

/* RFC 3339 date-time ("2026-11-23T08:15:00Z", fraction and offset allowed)
 * to milliseconds since the epoch, UTC. Years 1970–9999. */
bool dk_parse_time(struct dk_str in, int64_t *out_ms);

/* Decodes unpadded base64url into out (at most out_cap bytes); false on a
 * character outside the alphabet, a dangling bit group or overflow. */
bool dk_parse_base64url(struct dk_str in, unsigned char *out, size_t out_cap,
                        size_t *out_len);

enum { DK_TIME_TEXT_LEN = 32 };

/* Formats ms as "YYYY-MM-DDTHH:MM:SSZ" (seconds precision) into out. */
void dk_format_time(int64_t ms, char out[DK_TIME_TEXT_LEN]);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t dk_days_from_civil(int64_t year, unsigned month, unsigned day);
void dk_civil_from_days(int64_t days, int64_t *year, unsigned *month,
                        unsigned *day);

#endif
