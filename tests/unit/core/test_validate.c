/* test_validate.c — text, email and key checks shared by commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/internal.h"

static void test_check_text__counts_characters_not_bytes(void **state)
{
    (void)state;
    struct dk_err err;
    char at_max[300 * 2 + 1];
    for (size_t i = 0; i < 300; i++) {
        memcpy(at_max + 2 * i, "Ж", 2);
    }
    at_max[600] = '\0';
    assert_int_equal(check_text("subject", at_max, 1, 300, &err), DK_OK);
    char over[301 + 1];
    memset(over, 'a', 301);
    over[301] = '\0';
    assert_int_equal(check_text("subject", over, 1, 300, &err), DK_INVALID);
    assert_string_equal(err.field, "subject");
    assert_int_equal(check_text("subject", "", 1, 300, &err), DK_INVALID);
    assert_int_equal(check_text("subject", NULL, 1, 300, &err), DK_INVALID);
    assert_int_equal(check_text("body", "\xff", 0, 10, &err), DK_INVALID);
    assert_int_equal(check_text("description", "", 0, 10, &err), DK_OK);
}

static void test_check_email__accepts_addresses_only(void **state)
{
    (void)state;
    struct dk_err err;
    const char *ok[] = {"a@b.c", "Ann.Lee+help@Example.COM", "x@localhost"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(check_email("email", ok[i], &err), DK_OK);
    }
    const char *bad[] = {"",        "plain",  "@b.c", "a@",      "a@@b.c",
                         "a b@c.d", "a@b.c.", "a@.b", "<a@b.c>", "a@b,c"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(check_email("email", bad[i], &err), DK_INVALID);
        assert_string_equal(err.field, "email");
    }
    char longest[256];
    memset(longest, 'a', 250);
    memcpy(longest + 250, "@b.c", 5); /* 254 bytes: the limit */
    assert_int_equal(check_email("email", longest, &err), DK_OK);
    char too_long[257];
    memset(too_long, 'a', 251);
    memcpy(too_long + 251, "@b.c", 5);
    assert_int_equal(check_email("email", too_long, &err), DK_INVALID);
}

static void test_check_key__lowercase_words_only(void **state)
{
    (void)state;
    struct dk_err err;
    assert_int_equal(check_key("key", "in_progress", &err), DK_OK);
    assert_int_equal(check_key("key", "a1", &err), DK_OK);
    char max[33];
    memset(max, 'k', 32);
    max[32] = '\0';
    assert_int_equal(check_key("key", max, &err), DK_OK);
    max[31] = '\0';
    char over[34];
    memset(over, 'k', 33);
    over[33] = '\0';
    assert_int_equal(check_key("key", over, &err), DK_INVALID);
    assert_int_equal(check_key("key", "Todo", &err), DK_INVALID);
    assert_int_equal(check_key("key", "to do", &err), DK_INVALID);
    assert_int_equal(check_key("key", "", &err), DK_INVALID);
    assert_int_equal(check_key("key", NULL, &err), DK_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_text__counts_characters_not_bytes),
        cmocka_unit_test(test_check_email__accepts_addresses_only),
        cmocka_unit_test(test_check_key__lowercase_words_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
