/* fuzz_config.c — the config file parser. */
#include <stdint.h>
#include <string.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results that only must not crash go here (they are DK_MUST_USE). */
static volatile int sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_config config;
    memset(&config, 0, sizeof(config));
    struct dk_err err;
    sink += (int)dk_config_parse_file(&arena, (const char *)data, size, &config,
                                      &err);
    dk_arena_release(&arena);
    return 0;
}
