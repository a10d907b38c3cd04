/* ratelimit.h — counts failures per key in a sliding window (sign-in
 * attempts per account and per address). In-process: each node counts its
 * own. Thread-safe: one mutex per limiter. */
#ifndef DOCKET_CORE_RATELIMIT_H
#define DOCKET_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct dk_ratelimit;

/* At most max_failures per key within window_ms; remembers at most
 * max_keys keys (the oldest are forgotten first). */
struct dk_ratelimit *dk_ratelimit_new(unsigned max_failures, int64_t window_ms,
                                      unsigned max_keys);
void dk_ratelimit_free(struct dk_ratelimit *rl);

/* True when key may try now; otherwise *retry_after_ms says how long. */
bool dk_ratelimit_allows(struct dk_ratelimit *rl, const char *key,
                         int64_t now_ms, int64_t *retry_after_ms);
void dk_ratelimit_fail(struct dk_ratelimit *rl, const char *key,
                       int64_t now_ms);
void dk_ratelimit_reset(struct dk_ratelimit *rl, const char *key);

#endif
