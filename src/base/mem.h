/* mem.h — allocation that aborts on exhaustion (an abort loses nothing
 * acknowledged: every acknowledged change is already committed). */
#ifndef DOCKET_BASE_MEM_H
#define DOCKET_BASE_MEM_H

#include <stddef.h>

/* Each returns memory the caller frees with free(); never NULL. */
void *dk_xmalloc(size_t size);
void *dk_xcalloc(size_t n, size_t size); /* overflow-checked */
void *dk_xrealloc(void *ptr, size_t size);
char *dk_xstrdup(const char *s);
char *dk_xstrndup(const char *s, size_t len);

#endif
