/* test_reply.c — reading the email.reply payload that core writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jobs/internal.h"

static void test_jobs_parse_reply_payload__as_core_writes_it(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct reply_payload p;
    struct dk_err err;
    assert_int_equal(
        jobs_parse_reply_payload(&arena,
                                 "{\"ticket\":3,\"message_id\":9,\"to\":"
                                 "\"c@example.org\",\"bcc\":[\"a@x.io\","
                                 "\"b@x.io\"]}",
                                 &p, &err),
        DK_OK);
    assert_string_equal(p.to, "c@example.org");
    assert_int_equal(p.n_bcc, 2);
    assert_string_equal(p.bcc[1], "b@x.io");
    /* Rows queued before followers were copied have no bcc. */
    assert_int_equal(jobs_parse_reply_payload(
                         &arena, "{\"to\":\"c@example.org\"}", &p, &err),
                     DK_OK);
    assert_int_equal(p.n_bcc, 0);
    dk_arena_release(&arena);
}

static void test_jobs_parse_reply_payload__refuses_others(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct reply_payload p;
    struct dk_err err;
    const char *bad[] = {
        "",
        "not json",
        "[]",
        "{}",
        "{\"to\":3}",
        "{\"to\":\"a@b.c\",\"bcc\":\"d@e.f\"}",
        "{\"to\":\"a@b.c\",\"bcc\":[1]}",
        "{\"to\":\"a@b.c\",\"to\":\"d@e.f\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(jobs_parse_reply_payload(&arena, bad[i], &p, &err),
                         DK_INVALID);
    }
    dk_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobs_parse_reply_payload__as_core_writes_it),
        cmocka_unit_test(test_jobs_parse_reply_payload__refuses_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
