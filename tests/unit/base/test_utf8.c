/* test_utf8.c — the strict UTF-8 validator (RFC 3629). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/base.h"

static bool valid(const char *s, size_t len)
{
    return dk_utf8_is_valid(s, len);
}

static void test_dk_utf8_is_valid__accepts_all_planes(void **state)
{
    (void)state;
    const char *ok[] = {"",
                        "ascii",
                        "Žluťoučký",
                        "Привет",
                        "日本語",
                        "\xf0\x9f\x98\x80",
                        "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_true(valid(ok[i], strlen(ok[i])));
    }
}

static void test_dk_utf8_is_valid__rejects_malformed(void **state)
{
    (void)state;
    const char *bad[] = {
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong */
        "\xed\xa0\x80",     /* surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf8\x88\x80\x80\x80",
        "\xff",
        "\x80",
        "\xc3",
        "\xe2\x82",
        "a\xc3(",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(valid(bad[i], strlen(bad[i])));
    }
    assert_false(valid("a\0b", 3)); /* NUL inside */
}

static void test_dk_utf8_count__counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(dk_utf8_count("Привет", strlen("Привет")), 6);
    assert_int_equal(dk_utf8_count("a\xf0\x9f\x98\x80", 5), 2);
}

static void test_dk_utf8_sanitize__replaces_bad_bytes(void **state)
{
    (void)state;
    char s[] = "ok\xff-\xc3xЖ";
    dk_utf8_sanitize(s, strlen(s));
    assert_string_equal(s, "ok?-?xЖ");
    assert_true(valid(s, strlen(s)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_utf8_is_valid__accepts_all_planes),
        cmocka_unit_test(test_dk_utf8_is_valid__rejects_malformed),
        cmocka_unit_test(test_dk_utf8_count__counts_code_points),
        cmocka_unit_test(test_dk_utf8_sanitize__replaces_bad_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
