/* fuzz_parse.c — numbers, times, base64url and UTF-8 from outside text. */
#include <stdint.h>
#include <string.h>

#include "base/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results that only must not crash go here (they are DK_MUST_USE). */
static volatile int sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_str in = dk_str_make((const char *)data, size);
    int64_t v = 0;
    if (dk_parse_time(in, &v)) {
        char text[DK_TIME_TEXT_LEN];
        dk_format_time(v, text);
        int64_t again = 0;
        if (!dk_parse_time(dk_str_cstr(text), &again) ||
            again != v / 1000 * 1000) {
            dk_bug("a formatted time does not parse back");
        }
    }
    sink += (int)dk_parse_i64(in, &v);
    sink += (int)dk_parse_id(in, &v);
    unsigned char out[512];
    size_t len = 0;
    sink += (int)dk_parse_base64url(in, out, sizeof(out), &len);
    if (dk_utf8_is_valid(in.ptr, in.len)) {
        sink += (int)dk_utf8_count(in.ptr, in.len);
    }
    return 0;
}
