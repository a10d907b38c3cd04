/* fuzz_json.c — request bodies: the strict jansson load the API uses, then
 * the typed field readers every handler uses. */
#include <stdint.h>
#include <string.h>

#include "http/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results that only must not crash go here (they are DK_MUST_USE). */
static volatile int sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fields[] = {"subject",  "tags",     "assignee_id",
                                         "deadline", "disabled", NULL};
    json_error_t jerr;
    json_t *v =
        json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        return 0;
    }
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_err err;
    bool has = false;
    const char *s = NULL;
    int64_t id = 0;
    bool flag = false;
    struct dk_strs tags;
    struct dk_ids ids;
    if (json_is_object(v)) {
        sink += (int)json_check_fields(v, fields, &err);
        sink += (int)json_get_string(v, "subject", true, &has, &s, &err);
        sink += (int)json_get_id(v, "assignee_id", true, &has, &id, &err);
        sink += (int)json_get_time(v, "deadline", &has, &id, &err);
        sink += (int)json_get_bool(v, "disabled", &has, &flag, &err);
        sink += (int)json_get_strings(&arena, v, "tags", &has, &tags, &err);
        sink += (int)json_get_ids(&arena, v, "tags", &has, &ids, &err);
    }
    dk_arena_release(&arena);
    json_decref(v);
    return 0;
}
