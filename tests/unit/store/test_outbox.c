/* test_outbox.c — leases of outbox jobs on a real SQLite file: who gets a
 * job, when it comes back, and that a lost lease cannot finish it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "temp_db.h"

enum { NOW = 1000000 };

struct fixture {
    struct temp_store db;
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (temp_store_open(&f->db) != 0) {
        return -1;
    }
    dk_clock_set_ms(NOW);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    temp_store_close(&f->db);
    free(f);
    dk_clock_set_ms(0);
    return 0;
}

static struct dk_tx *begin(struct fixture *f)
{
    return temp_db_begin(f->db.store, DK_TX_WRITE, &f->db.arena);
}

static void commit(struct dk_tx *tx)
{
    temp_db_commit(tx);
}

static void insert_job(struct fixture *f, int64_t message_id)
{
    struct dk_tx *tx = begin(f);
    struct dk_outbox_item item = {1, message_id, "email.reply", "{}"};
    struct dk_err err;
    assert_int_equal(dk_store_outbox_insert(tx, &item, &err), DK_OK);
    commit(tx);
}

/* Claims at most one job of owner at now; returns how many (0 or 1). */
static size_t claim(struct fixture *f, const char *owner, int64_t now,
                    struct dk_outbox_job *out)
{
    struct dk_tx *tx = begin(f);
    struct dk_outbox_job *jobs = NULL;
    size_t n = 0;
    struct dk_err err;
    assert_int_equal(dk_store_outbox_claim(tx, "email.reply", owner, now, 1000,
                                           1, &jobs, &n, &err),
                     DK_OK);
    commit(tx);
    if (n) {
        *out = jobs[0];
    }
    return n;
}

static bool finish(struct fixture *f, const struct dk_outbox_job *job,
                   const char *owner, enum dk_outbox_outcome outcome,
                   int64_t retry_at)
{
    struct dk_tx *tx = begin(f);
    bool is_held = false;
    struct dk_err err;
    assert_int_equal(dk_store_outbox_finish(tx, job, owner, outcome, retry_at,
                                            "why", &is_held, &err),
                     DK_OK);
    commit(tx);
    return is_held;
}

static void test_dk_store_outbox_claim__one_owner_per_job(void **state)
{
    struct fixture *f = *state;
    insert_job(f, 11);
    insert_job(f, 12);
    struct dk_outbox_job a;
    struct dk_outbox_job b;
    struct dk_outbox_job none;
    assert_int_equal(claim(f, "node-a", NOW, &a), 1);
    assert_int_equal(a.message_id, 11); /* oldest due first */
    assert_int_equal(a.attempts, 1);
    assert_int_equal(a.lease_until_ms, NOW + 1000);
    assert_int_equal(claim(f, "node-b", NOW, &b), 1);
    assert_int_equal(b.message_id, 12);
    assert_int_equal(claim(f, "node-b", NOW + 999, &none), 0);
}

static void test_dk_store_outbox_claim__lease_runs_out_and_fences(void **state)
{
    struct fixture *f = *state;
    insert_job(f, 21);
    struct dk_outbox_job first;
    struct dk_outbox_job again;
    assert_int_equal(claim(f, "node-a", NOW, &first), 1);
    /* node-a goes quiet past its lease: node-b takes the job over. */
    assert_int_equal(claim(f, "node-b", NOW + 1000, &again), 1);
    assert_int_equal(again.id, first.id);
    assert_int_equal(again.attempts, 2);
    /* node-a wakes up: its finish changes nothing. */
    assert_false(finish(f, &first, "node-a", DK_OUTBOX_SENT, 0));
    assert_true(finish(f, &again, "node-b", DK_OUTBOX_SENT, 0));
    struct dk_outbox_job none;
    assert_int_equal(claim(f, "node-a", NOW + 100000, &none), 0);
    /* Finished once means finished: not even the owner finishes twice. */
    assert_false(finish(f, &again, "node-b", DK_OUTBOX_FAILED, 0));
}

static void test_dk_store_outbox_finish__retry_and_release(void **state)
{
    struct fixture *f = *state;
    insert_job(f, 31);
    struct dk_outbox_job job;
    assert_int_equal(claim(f, "node-a", NOW, &job), 1);
    assert_true(finish(f, &job, "node-a", DK_OUTBOX_RETRY, NOW + 5000));
    struct dk_outbox_job next;
    assert_int_equal(claim(f, "node-a", NOW + 4999, &next), 0);
    assert_int_equal(claim(f, "node-a", NOW + 5000, &next), 1);
    assert_int_equal(next.attempts, 2);
    /* Given back untried: due at once, the attempt not counted. */
    assert_true(finish(f, &next, "node-a", DK_OUTBOX_RELEASE, 0));
    assert_int_equal(claim(f, "node-b", NOW, &next), 1);
    assert_int_equal(next.attempts, 2);
    assert_true(finish(f, &next, "node-b", DK_OUTBOX_FAILED, 0));
    assert_int_equal(claim(f, "node-b", NOW + 100000, &next), 0);
}

static void test_dk_store_outbox_is_due__follows_the_clock(void **state)
{
    struct fixture *f = *state;
    bool is_due = true;
    struct dk_err err;
    struct dk_tx *tx = begin(f);
    assert_int_equal(
        dk_store_outbox_is_due(tx, "email.reply", NOW, &is_due, &err), DK_OK);
    commit(tx);
    assert_false(is_due);
    insert_job(f, 41);
    tx = begin(f);
    assert_int_equal(
        dk_store_outbox_is_due(tx, "email.reply", NOW, &is_due, &err), DK_OK);
    assert_true(is_due);
    assert_int_equal(dk_store_outbox_is_due(tx, "webhook", NOW, &is_due, &err),
                     DK_OK);
    assert_false(is_due);
    commit(tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_dk_store_outbox_claim__one_owner_per_job, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_dk_store_outbox_claim__lease_runs_out_and_fences, set_up,
            tear_down),
        cmocka_unit_test_setup_teardown(
            test_dk_store_outbox_finish__retry_and_release, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_dk_store_outbox_is_due__follows_the_clock, set_up, tear_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
