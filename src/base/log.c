/* log.c — line-at-a-time logging to stderr. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/parse.h"

static enum dk_log_level min_level = DK_LOG_INFO;

void dk_log_set_level(enum dk_log_level level)
{
    min_level = level;
}

void dk_log(enum dk_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level) {
        return;
    }
    char line[2048];
    char when[DK_TIME_TEXT_LEN];
    dk_format_time(dk_clock_now_ms(), when);
    int n = snprintf(line, sizeof(line), "%s %s ", when, names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(line) - 2) {
        len = sizeof(line) - 2;
    }
    line[len++] = '\n';
    /* One write per line keeps lines whole across threads. */
    ssize_t ignored = write(STDERR_FILENO, line, len);
    (void)ignored;
}
