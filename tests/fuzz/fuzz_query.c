/* fuzz_query.c — the list parameters a client sends: sort and limit. */
#include <stdint.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    char *text = dk_arena_strndup(&arena, (const char *)data, size);
    struct dk_ticket_query q;
    memset(&q, 0, sizeof(q));
    struct dk_err err;
    if (dk_core_parse_ticket_sort(text, &q, &err) == DK_OK &&
        (q.n_sort == 0 || q.n_sort > DK_MAX_SORT_KEYS)) {
        dk_bug("a sort parsed into an impossible number of keys");
    }
    unsigned limit = 0;
    if (dk_core_parse_limit(text, &limit, &err) == DK_OK &&
        (limit < 1 || limit > DK_MAX_LIST_LIMIT)) {
        dk_bug("a limit outside 1..500 was accepted");
    }
    dk_arena_release(&arena);
    return 0;
}
