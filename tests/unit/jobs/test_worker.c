/* test_worker.c — the retry schedule of the outbox worker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jobs/jobs.h"

static void test_dk_jobs_backoff_ms__doubles_up_to_an_hour(void **state)
{
    (void)state;
    assert_int_equal(dk_jobs_backoff_ms(30000, 1), 30000);
    assert_int_equal(dk_jobs_backoff_ms(30000, 2), 60000);
    assert_int_equal(dk_jobs_backoff_ms(30000, 3), 120000);
    assert_int_equal(dk_jobs_backoff_ms(30000, 8), 3600000);
    assert_int_equal(dk_jobs_backoff_ms(30000, 1000000), 3600000);
    assert_int_equal(dk_jobs_backoff_ms(0, 0), 1);
    assert_int_equal(dk_jobs_backoff_ms(INT64_MAX / 2, 5), 3600000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_jobs_backoff_ms__doubles_up_to_an_hour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
