/* test_ratelimit.c — failures per key in a window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/ratelimit.h"

static void test_dk_ratelimit_allows__until_max_failures(void **state)
{
    (void)state;
    struct dk_ratelimit *rl = dk_ratelimit_new(3, 1000, 16);
    int64_t wait = 0;
    for (int i = 0; i < 3; i++) {
        assert_true(dk_ratelimit_allows(rl, "ann", 100 + i, &wait));
        dk_ratelimit_fail(rl, "ann", 100 + i);
    }
    assert_false(dk_ratelimit_allows(rl, "ann", 200, &wait));
    assert_int_equal(wait, 100 + 1000 - 200);
    assert_true(dk_ratelimit_allows(rl, "bob", 200, &wait));  /* per key */
    assert_true(dk_ratelimit_allows(rl, "ann", 1100, &wait)); /* expired */
    dk_ratelimit_free(rl);
}

static void test_dk_ratelimit_reset__forgets_the_key(void **state)
{
    (void)state;
    struct dk_ratelimit *rl = dk_ratelimit_new(1, 1000, 16);
    int64_t wait = 0;
    dk_ratelimit_fail(rl, "ann", 0);
    assert_false(dk_ratelimit_allows(rl, "ann", 1, &wait));
    dk_ratelimit_reset(rl, "ann");
    assert_true(dk_ratelimit_allows(rl, "ann", 2, &wait));
    dk_ratelimit_free(rl);
}

static void test_dk_ratelimit_fail__evicts_the_oldest_when_full(void **state)
{
    (void)state;
    struct dk_ratelimit *rl = dk_ratelimit_new(1, 1000, 2);
    int64_t wait = 0;
    dk_ratelimit_fail(rl, "a", 10);
    dk_ratelimit_fail(rl, "b", 20);
    dk_ratelimit_fail(rl, "c", 30); /* evicts "a" */
    assert_true(dk_ratelimit_allows(rl, "a", 40, &wait));
    assert_false(dk_ratelimit_allows(rl, "b", 40, &wait));
    assert_false(dk_ratelimit_allows(rl, "c", 40, &wait));
    dk_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_ratelimit_allows__until_max_failures),
        cmocka_unit_test(test_dk_ratelimit_reset__forgets_the_key),
        cmocka_unit_test(test_dk_ratelimit_fail__evicts_the_oldest_when_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
