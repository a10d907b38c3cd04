/* test_buf.c — the bounded builder: limits, sticky failure, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void test_dk_buf_append__up_to_the_maximum(void **state)
{
    (void)state;
    struct dk_buf b;
    dk_buf_init(&b, 8);
    dk_buf_appends(&b, "12345678");
    assert_false(b.has_failed);
    assert_string_equal(dk_buf_cstr(&b), "12345678");
    dk_buf_appendc(&b, '9'); /* max + 1 */
    assert_true(b.has_failed);
    assert_string_equal(dk_buf_cstr(&b), "12345678");
    dk_buf_appends(&b, ""); /* sticky: later appends do nothing */
    assert_true(b.has_failed);
    dk_buf_reset(&b);
    assert_false(b.has_failed);
    assert_int_equal(b.len, 0);
    dk_buf_release(&b);
}

static void test_dk_buf_appendf__fails_whole_when_too_long(void **state)
{
    (void)state;
    struct dk_buf b;
    dk_buf_init(&b, 10);
    dk_buf_appendf(&b, "%d-%s", 42, "abc");
    assert_string_equal(dk_buf_cstr(&b), "42-abc");
    dk_buf_appendf(&b, "%s", "toolong");
    assert_true(b.has_failed);
    assert_string_equal(dk_buf_cstr(&b), "42-abc");
    dk_buf_release(&b);
}

static void test_dk_buf_append_json_string__escapes(void **state)
{
    (void)state;
    struct dk_buf b;
    dk_buf_init(&b, 1024);
    const char in[] = "a\"b\\c\n\t\x01\x1f/Ж";
    dk_buf_append_json_string(&b, in, strlen(in));
    assert_string_equal(dk_buf_cstr(&b),
                        "\"a\\\"b\\\\c\\n\\t\\u0001\\u001F/Ж\"");
    dk_buf_release(&b);
}

static void test_dk_buf_take__hands_over_the_bytes(void **state)
{
    (void)state;
    struct dk_buf b;
    dk_buf_init(&b, 64);
    char *empty = dk_buf_take(&b);
    assert_string_equal(empty, "");
    free(empty);
    dk_buf_append_hex(&b, (const unsigned char *)"\x00\xab", 2);
    char *hex = dk_buf_take(&b);
    assert_string_equal(hex, "00ab");
    assert_null(b.ptr);
    free(hex);
}

static void test_dk_buf_init_arena__memory_dies_with_the_arena(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_buf b;
    dk_buf_init_arena(&b, &arena, 100000);
    for (int i = 0; i < 1000; i++) {
        dk_buf_appends(&b, "0123456789");
    }
    assert_int_equal(b.len, 10000);
    assert_false(b.has_failed);
    dk_buf_release(&b); /* a no-op for arena buffers */
    dk_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_buf_append__up_to_the_maximum),
        cmocka_unit_test(test_dk_buf_appendf__fails_whole_when_too_long),
        cmocka_unit_test(test_dk_buf_append_json_string__escapes),
        cmocka_unit_test(test_dk_buf_take__hands_over_the_bytes),
        cmocka_unit_test(test_dk_buf_init_arena__memory_dies_with_the_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
