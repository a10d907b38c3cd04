/* arena.h — memory for one unit of work (a request, a message, a job).
 *
 * Everything allocated from an arena dies with it at dk_arena_release; other
 * resources of the unit (library references, statements) are registered with
 * dk_arena_defer and released then, in reverse order. Not thread-safe: one
 * arena belongs to one thread at a time. */
#ifndef DOCKET_BASE_ARENA_H
#define DOCKET_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "base/err.h"

typedef void (*dk_arena_release_fn)(void *ptr);

struct dk_arena_chunk;
struct dk_arena_defer;

struct dk_arena {
    struct dk_arena_chunk *chunks; /* newest first */
    struct dk_arena_defer *defers; /* newest first */
    size_t total_len;              /* bytes handed out, for limits and tests */
};

void dk_arena_init(struct dk_arena *arena);

/* Runs the deferred releases newest first, then frees every chunk. The arena
 * is left initialised and empty. */
void dk_arena_release(struct dk_arena *arena);

/* Returns len bytes aligned for any type, valid until release; never NULL. */
void *dk_arena_alloc(struct dk_arena *arena, size_t len);

/* Zeroed array of n elements of size bytes (overflow-checked). */
void *dk_arena_calloc(struct dk_arena *arena, size_t n, size_t size);

/* NUL-terminated copies owned by the arena. */
char *dk_arena_strdup(struct dk_arena *arena, const char *s);
char *dk_arena_strndup(struct dk_arena *arena, const char *s, size_t len);
char *dk_arena_printf(struct dk_arena *arena, const char *fmt, ...)
    DK_PRINTF(2, 3);

/* Calls fn(ptr) at release. */
void dk_arena_defer(struct dk_arena *arena, dk_arena_release_fn fn, void *ptr);

#endif
