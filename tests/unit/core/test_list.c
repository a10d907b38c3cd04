/* test_list.c — the ticket list's sort and limit parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/core.h"

static enum dk_status sort(const char *text, struct dk_ticket_query *q,
                           struct dk_err *err)
{
    memset(q, 0, sizeof(*q));
    dk_err_init(err);
    return dk_core_parse_ticket_sort(text, q, err);
}

static void test_dk_core_parse_ticket_sort__fields_and_directions(void **state)
{
    (void)state;
    struct dk_ticket_query q;
    struct dk_err err;
    assert_int_equal(sort("-priority,created_at", &q, &err), DK_OK);
    assert_int_equal(q.n_sort, 2);
    assert_int_equal(q.sort[0].field, DK_TICKET_SORT_PRIORITY);
    assert_true(q.sort[0].is_descending);
    assert_int_equal(q.sort[1].field, DK_TICKET_SORT_CREATED_AT);
    assert_false(q.sort[1].is_descending);
    assert_int_equal(
        sort("number,status,subject,priority,created_at,updated_at,deadline",
             &q, &err),
        DK_OK);
    assert_int_equal(q.n_sort, 7);
}

static void
test_dk_core_parse_ticket_sort__rejects_unknown_and_repeats(void **state)
{
    (void)state;
    struct dk_ticket_query q;
    struct dk_err err;
    const char *bad[] = {"bogus",          "",       ",",
                         "number,",        "-",      "--number",
                         "number,-number", "Number", "number; DROP TABLE"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sort(bad[i], &q, &err), DK_INVALID);
        assert_string_equal(err.field, "sort");
    }
}

static void test_dk_core_parse_limit__default_and_bounds(void **state)
{
    (void)state;
    unsigned limit = 0;
    struct dk_err err;
    assert_int_equal(dk_core_parse_limit(NULL, &limit, &err), DK_OK);
    assert_int_equal(limit, 50);
    assert_int_equal(dk_core_parse_limit("1", &limit, &err), DK_OK);
    assert_int_equal(limit, 1);
    assert_int_equal(dk_core_parse_limit("500", &limit, &err), DK_OK);
    assert_int_equal(limit, 500);
    const char *bad[] = {"0", "501", "-1", "", "ten", "5 ", "1e2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(dk_core_parse_limit(bad[i], &limit, &err), DK_INVALID);
        assert_string_equal(err.field, "limit");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_core_parse_ticket_sort__fields_and_directions),
        cmocka_unit_test(
            test_dk_core_parse_ticket_sort__rejects_unknown_and_repeats),
        cmocka_unit_test(test_dk_core_parse_limit__default_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
