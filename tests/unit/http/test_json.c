/* test_json.c — the answer's text: json_write writes what jansson's
 * json_dumps(JSON_COMPACT) writes (byte for byte, apart from the two
 * control characters jansson spells \b and \f), and it reads back as the
 * same value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

static char *written(const json_t *v)
{
    struct dk_buf out;
    dk_buf_init(&out, 1 << 20);
    json_write(&out, v);
    assert_false(out.has_failed);
    return dk_buf_take(&out);
}

static void assert_same_as_jansson(json_t *v)
{
    char *ours = written(v);
    char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_string_equal(ours, theirs);
    free(theirs);
    free(ours);
    json_decref(v);
}

static void test_json_write__matches_jansson(void **state)
{
    (void)state;
    assert_same_as_jansson(
        json_pack("{s:i, s:s, s:n, s:b, s:b, s:[], s:{}}", "number", 42,
                  "subject", "Tiskárna \"E42\" — \\ / \n\r\t ☃ 😀", "deadline",
                  "unread", 1, "closed", 0, "tags", "followers"));
    assert_same_as_jansson(json_pack("[I, I, I, i]", (json_int_t)INT64_MAX,
                                     (json_int_t)INT64_MIN, (json_int_t)-1, 0));
    assert_same_as_jansson(
        json_pack("{s:{s:[{s:s}, {}]}}", "a", "b", "c", "\x01\x1f\x7f"));
    assert_same_as_jansson(json_string(""));
    assert_same_as_jansson(json_array());
    /* Keys keep the order they were set in. */
    json_t *o = json_object();
    const char *keys[] = {"zeta", "alpha", "mu", "beta"};
    for (size_t i = 0; i < 4; i++) {
        json_object_set_new(o, keys[i], json_integer((json_int_t)i));
    }
    assert_same_as_jansson(o);
}

static void test_json_write__reads_back_the_same(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:s, s:f, s:[s, s]}", "ctl", "\b\f\x02 end", "r",
                          0.5, "list", "ж", "\"");
    char *text = written(v);
    json_error_t e;
    json_t *back = json_loads(text, 0, &e);
    assert_non_null(back);
    assert_true(json_equal(v, back));
    json_decref(back);
    json_decref(v);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_write__matches_jansson),
        cmocka_unit_test(test_json_write__reads_back_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
