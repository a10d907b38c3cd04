/* clock.h — the only way to read the time, so tests can set it. */
#ifndef DOCKET_BASE_CLOCK_H
#define DOCKET_BASE_CLOCK_H

#include <stdint.h>

/* Milliseconds since the Unix epoch (UTC); the fixed time when set. */
int64_t dk_clock_now_ms(void);

/* Monotonic milliseconds, for durations and timeouts only. */
int64_t dk_clock_monotonic_ms(void);

/* Fixes the time for tests (0 returns to the real clock). Not thread-safe:
 * call before starting threads. */
void dk_clock_set_ms(int64_t fixed_ms);

#endif
