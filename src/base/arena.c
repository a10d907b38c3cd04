/* arena.c — chunked bump allocator with deferred releases. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { CHUNK_FIRST_LEN = 1024, CHUNK_MAX_LEN = 64 * 1024, ALIGN = 16 };

struct dk_arena_chunk {
    struct dk_arena_chunk *next;
    size_t cap;
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct dk_arena_defer {
    struct dk_arena_defer *next;
    dk_arena_release_fn fn;
    void *ptr;
};

void dk_arena_init(struct dk_arena *arena)
{
    arena->chunks = NULL;
    arena->defers = NULL;
    arena->total_len = 0;
}

void dk_arena_release(struct dk_arena *arena)
{
    /* Deferred releases may still read arena memory, so they run first. */
    struct dk_arena_defer *d = arena->defers;
    while (d) {
        struct dk_arena_defer *next = d->next;
        d->fn(d->ptr);
        d = next;
    }
    struct dk_arena_chunk *c = arena->chunks;
    while (c) {
        struct dk_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    dk_arena_init(arena);
}

/* Chunks grow with what the arena has handed out, from 1 KiB to 64 KiB:
 * an arena that holds little stays small (a request that becomes an event
 * stream keeps its arena as long as the stream is open: 10,000 streams), a
 * busy one needs few chunks. */
static size_t next_chunk_len(const struct dk_arena *arena)
{
    size_t len = arena->total_len;
    if (len < CHUNK_FIRST_LEN) {
        return CHUNK_FIRST_LEN;
    }
    return len > CHUNK_MAX_LEN ? CHUNK_MAX_LEN : len;
}

static struct dk_arena_chunk *chunk_new(size_t cap)
{
    struct dk_arena_chunk *c = dk_xmalloc(sizeof(*c) + cap);
    c->next = NULL;
    c->cap = cap;
    c->used = 0;
    return c;
}

void *dk_arena_alloc(struct dk_arena *arena, size_t len)
{
    if (len > SIZE_MAX - ALIGN) {
        dk_bug("arena allocation size overflow");
    }
    size_t need = (len + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need == 0) {
        need = ALIGN;
    }
    struct dk_arena_chunk *c = arena->chunks;
    if (!c || c->cap - c->used < need) {
        size_t grow = next_chunk_len(arena);
        bool is_big = c && need > grow / 4;
        /* A big block gets a chunk of its own size behind the current one,
         * so the free space of the current chunk is not wasted. */
        struct dk_arena_chunk *fresh =
            chunk_new(is_big || need > grow ? need : grow);
        if (is_big) {
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            arena->chunks = fresh;
        }
        c = fresh;
    }
    void *p = c->data + c->used;
    c->used += need;
    arena->total_len += need;
    return p;
}

void *dk_arena_calloc(struct dk_arena *arena, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        dk_bug("arena calloc overflow");
    }
    void *p = dk_arena_alloc(arena, n * size);
    memset(p, 0, n * size);
    return p;
}

char *dk_arena_strndup(struct dk_arena *arena, const char *s, size_t len)
{
    char *p = dk_arena_alloc(arena, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *dk_arena_strdup(struct dk_arena *arena, const char *s)
{
    return dk_arena_strndup(arena, s, strlen(s));
}

char *dk_arena_printf(struct dk_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        dk_bug("arena printf format failure");
    }
    char *p = dk_arena_alloc(arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void dk_arena_defer(struct dk_arena *arena, dk_arena_release_fn fn, void *ptr)
{
    struct dk_arena_defer *d = dk_arena_alloc(arena, sizeof(*d));
    d->fn = fn;
    d->ptr = ptr;
    d->next = arena->defers;
    arena->defers = d;
}
