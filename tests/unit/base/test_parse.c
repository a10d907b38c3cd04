/* test_parse.c — numbers, times and base64url from untrusted text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/base.h"

static bool parse_i64(const char *s, int64_t *out)
{
    return dk_parse_i64(dk_str_cstr(s), out);
}

static void test_dk_parse_i64__accepts_the_whole_range(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(parse_i64("0", &v));
    assert_int_equal(v, 0);
    assert_true(parse_i64("-42", &v));
    assert_int_equal(v, -42);
    assert_true(parse_i64("9223372036854775807", &v));
    assert_true(v == INT64_MAX);
    assert_true(parse_i64("-9223372036854775808", &v));
    assert_true(v == INT64_MIN);
}

static void test_dk_parse_i64__rejects_junk_and_overflow(void **state)
{
    (void)state;
    int64_t v = 7;
    const char *bad[] = {"",
                         "-",
                         "+1",
                         " 1",
                         "1 ",
                         "1x",
                         "0x10",
                         "1e3",
                         "--1",
                         "9223372036854775808",
                         "-9223372036854775809",
                         "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(parse_i64(bad[i], &v));
    }
    assert_int_equal(v, 7); /* untouched on failure */
}

static void test_dk_parse_id__only_positive(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(dk_parse_id(dk_str_cstr("12"), &v));
    assert_int_equal(v, 12);
    assert_false(dk_parse_id(dk_str_cstr("0"), &v));
    assert_false(dk_parse_id(dk_str_cstr("-3"), &v));
    assert_false(dk_parse_id(dk_str_cstr("1%00"), &v));
}

static int64_t parse_time(const char *s)
{
    int64_t ms = -1;
    return dk_parse_time(dk_str_cstr(s), &ms) ? ms : -1;
}

static void test_dk_parse_time__forms_and_offsets(void **state)
{
    (void)state;
    assert_true(parse_time("2026-11-23T08:15:00Z") == 1795421700000LL);
    assert_true(parse_time("2026-11-23t08:15:00z") == 1795421700000LL);
    assert_true(parse_time("2026-11-23T09:15:00+01:00") == 1795421700000LL);
    assert_true(parse_time("2026-11-23T03:15:00-05:00") == 1795421700000LL);
    assert_true(parse_time("2026-11-23T08:15:00.250Z") == 1795421700250LL);
    assert_true(parse_time("2024-02-29T00:00:00Z") == 1709164800000LL);
    assert_true(parse_time("1970-01-01T00:00:01Z") == 1000);
}

static void test_dk_parse_time__rejects_impossible_dates(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "2026-02-29T00:00:00Z", /* not a leap year */
        "2026-13-01T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-11-23T08:60:00Z",
        "2026-11-23T08:15:00", /* no offset */
        "2026-11-23T08:15:00+1:00",
        "2026-11-23T08:15:00+24:00",
        "2026-11-23T08:15:00Zjunk",
        "2026-11-23T08:15:00.Z",
        "1969-12-31T23:59:59Z",
        "26-11-23T08:15:00Z",
        "2026-11-23T08:15:00.1234567890Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_true(parse_time(bad[i]) == -1);
    }
}

static void test_dk_format_time__round_trips(void **state)
{
    (void)state;
    char text[DK_TIME_TEXT_LEN];
    dk_format_time(1795421700999LL, text);
    assert_string_equal(text, "2026-11-23T08:15:00Z");
    dk_format_time(951782400000LL, text);
    assert_string_equal(text, "2000-02-29T00:00:00Z");
    for (int64_t ms = 0; ms < 5000000000000LL; ms += 123456789012LL) {
        dk_format_time(ms, text);
        assert_true(parse_time(text) == ms / 1000 * 1000);
    }
}

static void test_dk_parse_base64url__round_trip_and_rejects(void **state)
{
    (void)state;
    struct dk_buf b;
    dk_buf_init(&b, 1024);
    const unsigned char raw[] = {0xfb, 0xff, 0x00, 'a', 'b'};
    dk_buf_append_base64url(&b, raw, sizeof(raw));
    assert_string_equal(dk_buf_cstr(&b), "-_8AYWI");
    unsigned char out[16];
    size_t len = 0;
    assert_true(
        dk_parse_base64url(dk_str_cstr("-_8AYWI"), out, sizeof(out), &len));
    assert_int_equal(len, sizeof(raw));
    assert_memory_equal(out, raw, sizeof(raw));
    assert_false(dk_parse_base64url(dk_str_cstr("-_8AYWJ"), out, sizeof(out),
                                    &len)); /* non-zero leftover bits */
    assert_false(
        dk_parse_base64url(dk_str_cstr("ab+c"), out, sizeof(out), &len));
    assert_false(dk_parse_base64url(dk_str_cstr("a"), out, sizeof(out), &len));
    assert_false(dk_parse_base64url(dk_str_cstr("-_8AYWI"), out, 2, &len));
    dk_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_parse_i64__accepts_the_whole_range),
        cmocka_unit_test(test_dk_parse_i64__rejects_junk_and_overflow),
        cmocka_unit_test(test_dk_parse_id__only_positive),
        cmocka_unit_test(test_dk_parse_time__forms_and_offsets),
        cmocka_unit_test(test_dk_parse_time__rejects_impossible_dates),
        cmocka_unit_test(test_dk_format_time__round_trips),
        cmocka_unit_test(test_dk_parse_base64url__round_trip_and_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
