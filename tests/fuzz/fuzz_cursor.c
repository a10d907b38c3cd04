/* fuzz_cursor.c — list cursors come back from clients: decode any text. */
#include <stdint.h>
#include <string.h>

#include "store/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    char *text = dk_arena_strndup(&arena, (const char *)data, size);
    const char *values[8];
    struct dk_err err;
    for (size_t n = 0; n <= 8; n += 2) {
        if (store_cursor_decode(&arena, text, 0x1234abcdu, values, n, &err) ==
            DK_OK) {
            /* What decodes must encode to the same cursor. */
            const char *again =
                store_cursor_encode(&arena, 0x1234abcdu, values, n);
            if (strcmp(again, text) != 0) {
                dk_bug("a cursor does not round-trip");
            }
        }
    }
    dk_arena_release(&arena);
    return 0;
}
