/* clock.c — wall and monotonic time. */
#include "base/clock.h"

#include <time.h>

static int64_t fixed_now_ms;

int64_t dk_clock_now_ms(void)
{
    if (fixed_now_ms) {
        return fixed_now_ms;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dk_clock_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dk_clock_set_ms(int64_t fixed_ms)
{
    fixed_now_ms = fixed_ms;
}
