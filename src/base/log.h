/* log.h — one line per record on standard error, with a UTC timestamp.
 * Thread-safe (one write(2) per line). */
#ifndef DOCKET_BASE_LOG_H
#define DOCKET_BASE_LOG_H

#include "base/err.h"

enum dk_log_level { DK_LOG_DEBUG, DK_LOG_INFO, DK_LOG_WARN, DK_LOG_ERROR };

/* Records below level are dropped (default DK_LOG_INFO). */
void dk_log_set_level(enum dk_log_level level);

void dk_log(enum dk_log_level level, const char *fmt, ...) DK_PRINTF(2, 3);

#define dk_log_info(...) dk_log(DK_LOG_INFO, __VA_ARGS__)
#define dk_log_warn(...) dk_log(DK_LOG_WARN, __VA_ARGS__)
#define dk_log_error(...) dk_log(DK_LOG_ERROR, __VA_ARGS__)

#endif
