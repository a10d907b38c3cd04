/* test_db.c — the store's spine: cursors, migrations on a real SQLite
 * file, transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/internal.h"
#include "temp_db.h"

static void test_store_cursor_encode__round_trips(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    const char *values[] = {"Žluť \"x\":1", NULL, "", "42"};
    const char *cursor = store_cursor_encode(&arena, 0xabcdef01u, values, 4);
    const char *back[4] = {"?", "?", "?", "?"};
    struct dk_err err;
    assert_int_equal(
        store_cursor_decode(&arena, cursor, 0xabcdef01u, back, 4, &err), DK_OK);
    assert_string_equal(back[0], values[0]);
    assert_null(back[1]);
    assert_string_equal(back[2], "");
    assert_string_equal(back[3], "42");
    dk_arena_release(&arena);
}

static void test_store_cursor_decode__rejects_foreign_and_damaged(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    const char *values[] = {"7", "9"};
    const char *cursor = store_cursor_encode(&arena, 0x11111111u, values, 2);
    const char *back[2];
    struct dk_err err;
    /* Another sort order's signature. */
    assert_int_equal(
        store_cursor_decode(&arena, cursor, 0x22222222u, back, 2, &err),
        DK_INVALID);
    assert_string_equal(err.field, "cursor");
    /* Fewer or more values than the query has keys. */
    assert_int_equal(
        store_cursor_decode(&arena, cursor, 0x11111111u, back, 3, &err),
        DK_INVALID);
    assert_int_equal(
        store_cursor_decode(&arena, cursor, 0x11111111u, back, 1, &err),
        DK_INVALID);
    /* Truncated, garbage, not base64url. */
    char *cut = dk_arena_strdup(&arena, cursor);
    cut[strlen(cut) - 2] = '\0';
    /* "1" "11111111" "v1:7" "n2:42": a NULL with bytes (fuzzer find). */
    const char *null_with_bytes = "MTExMTExMTExdjE6N24yOjQy";
    const char *bad[] = {
        cut, "", "x", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAA", null_with_bytes};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            store_cursor_decode(&arena, bad[i], 0x11111111u, back, 2, &err),
            DK_INVALID);
    }
    dk_arena_release(&arena);
}

static void test_dk_store_open__migrates_once(void **state)
{
    (void)state;
    char path[TEMP_DB_PATH_LEN];
    temp_db_name(path);
    struct dk_store_config config = {.sqlite_path = path, .n_connections = 2};
    struct dk_store *store = NULL;
    struct dk_err err;
    assert_int_equal(dk_store_open(&config, &store, &err), DK_OK);
    assert_int_equal(dk_store_schema_version(store), 9);
    /* A write that is rolled back leaves nothing; one committed stays. */
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_tx *tx = NULL;
    int64_t number = 0;
    assert_int_equal(dk_store_begin(store, DK_TX_WRITE, &arena, &tx, &err),
                     DK_OK);
    assert_int_equal(dk_store_ticket_next_number(tx, &number, &err), DK_OK);
    assert_int_equal(number, 1);
    dk_store_rollback(tx);
    assert_int_equal(dk_store_begin(store, DK_TX_WRITE, &arena, &tx, &err),
                     DK_OK);
    assert_int_equal(dk_store_ticket_next_number(tx, &number, &err), DK_OK);
    assert_int_equal(number, 1);
    assert_int_equal(dk_store_commit(tx, &err), DK_OK);
    dk_store_free(store);
    /* Reopening applies nothing again and keeps the data. */
    assert_int_equal(dk_store_open(&config, &store, &err), DK_OK);
    assert_int_equal(dk_store_schema_version(store), 9);
    assert_int_equal(dk_store_begin(store, DK_TX_WRITE, &arena, &tx, &err),
                     DK_OK);
    assert_int_equal(dk_store_ticket_next_number(tx, &number, &err), DK_OK);
    assert_int_equal(number, 2);
    dk_store_rollback(tx);
    dk_store_free(store);
    dk_arena_release(&arena);
    temp_db_remove(path);
}

static void test_dk_store_open__refuses_a_newer_schema(void **state)
{
    (void)state;
    char path[TEMP_DB_PATH_LEN];
    temp_db_name(path);
    struct dk_store_config config = {.sqlite_path = path, .n_connections = 2};
    struct dk_store *store = NULL;
    struct dk_err err;
    assert_int_equal(dk_store_open(&config, &store, &err), DK_OK);
    dk_store_free(store);
    /* As if a newer docket had migrated it further. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO schema_migrations "
                                  "(version, applied_at) VALUES (999, 0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    store = NULL;
    assert_int_equal(dk_store_open(&config, &store, &err), DK_INVALID);
    assert_null(store);
    assert_non_null(strstr(err.message, "schema 999"));
    temp_db_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_cursor_encode__round_trips),
        cmocka_unit_test(test_store_cursor_decode__rejects_foreign_and_damaged),
        cmocka_unit_test(test_dk_store_open__migrates_once),
        cmocka_unit_test(test_dk_store_open__refuses_a_newer_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
