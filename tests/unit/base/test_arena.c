/* test_arena.c — the bump allocator: alignment, contents that survive the
 * chunks growing, big blocks beside the current chunk, deferred releases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void test_dk_arena_alloc__aligned_and_kept_across_chunks(void **state)
{
    (void)state;
    struct dk_arena a;
    dk_arena_init(&a);
    enum { N = 3000 };
    unsigned char *blocks[N];
    /* Sizes from 1 to 200 bytes: many chunks, from the smallest up. */
    for (size_t i = 0; i < N; i++) {
        size_t len = 1 + i % 200;
        blocks[i] = dk_arena_alloc(&a, len);
        assert_int_equal((uintptr_t)blocks[i] % 16, 0);
        memset(blocks[i], (int)(i & 0xff), len);
    }
    for (size_t i = 0; i < N; i++) {
        size_t len = 1 + i % 200;
        for (size_t j = 0; j < len; j++) {
            assert_int_equal(blocks[i][j], i & 0xff);
        }
    }
    dk_arena_release(&a);
    assert_int_equal(a.total_len, 0);
}

static void test_dk_arena_alloc__big_block_leaves_the_chunk_in_use(void **state)
{
    (void)state;
    struct dk_arena a;
    dk_arena_init(&a);
    char *small = dk_arena_alloc(&a, 16);
    char *big = dk_arena_alloc(&a, 1024 * 1024);
    memset(big, 'x', 1024 * 1024);
    char *next = dk_arena_alloc(&a, 16);
    /* The small blocks share the first chunk; the big one has its own. */
    assert_ptr_equal(next, small + 16);
    assert_int_equal(big[1024 * 1024 - 1], 'x');
    dk_arena_release(&a);
}

static int n_released;

static void count_release(void *ptr)
{
    n_released++;
    free(ptr);
}

static void test_dk_arena_defer__runs_at_release(void **state)
{
    (void)state;
    struct dk_arena a;
    dk_arena_init(&a);
    n_released = 0;
    dk_arena_defer(&a, count_release, malloc(8));
    dk_arena_defer(&a, count_release, malloc(8));
    assert_int_equal(n_released, 0);
    dk_arena_release(&a);
    assert_int_equal(n_released, 2);
    dk_arena_release(&a); /* released arenas are empty: nothing runs twice */
    assert_int_equal(n_released, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_arena_alloc__aligned_and_kept_across_chunks),
        cmocka_unit_test(
            test_dk_arena_alloc__big_block_leaves_the_chunk_in_use),
        cmocka_unit_test(test_dk_arena_defer__runs_at_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
