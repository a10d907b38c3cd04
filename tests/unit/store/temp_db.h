/* temp_db.h — a fresh SQLite database file for the store's unit tests: a
 * name no other test uses, its removal with its WAL and index, and
 * transactions that must succeed. Include after cmocka.h and store.h. */
#ifndef DOCKET_TESTS_UNIT_STORE_TEMP_DB_H
#define DOCKET_TESTS_UNIT_STORE_TEMP_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { TEMP_DB_PATH_LEN = 64 };

/* Fills path with the name of a file that does not exist yet. */
static inline void temp_db_name(char path[TEMP_DB_PATH_LEN])
{
    snprintf(path, TEMP_DB_PATH_LEN, "/tmp/docket-unit-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        abort();
    }
    close(fd);
    unlink(path);
}

static inline void temp_db_remove(const char *path)
{
    char other[TEMP_DB_PATH_LEN + 8];
    unlink(path);
    snprintf(other, sizeof(other), "%s-wal", path);
    unlink(other);
    snprintf(other, sizeof(other), "%s-shm", path);
    unlink(other);
}

/* A store on a fresh file, with an arena for its transactions. */
struct temp_store {
    char path[TEMP_DB_PATH_LEN];
    struct dk_store *store;
    struct dk_arena arena;
};

/* 0, or -1 when the store cannot be opened (a cmocka set-up's answer). */
static inline int temp_store_open(struct temp_store *t)
{
    temp_db_name(t->path);
    struct dk_store_config config = {.sqlite_path = t->path,
                                     .n_connections = 2};
    struct dk_err err;
    if (dk_store_open(&config, &t->store, &err) != DK_OK) {
        return -1;
    }
    dk_arena_init(&t->arena);
    return 0;
}

static inline void temp_store_close(struct temp_store *t)
{
    dk_arena_release(&t->arena);
    dk_store_free(t->store);
    temp_db_remove(t->path);
}

/* A transaction on store that must begin. */
static inline struct dk_tx *temp_db_begin(struct dk_store *store,
                                          enum dk_tx_mode mode,
                                          struct dk_arena *arena)
{
    struct dk_tx *tx = NULL;
    struct dk_err err;
    assert_int_equal(dk_store_begin(store, mode, arena, &tx, &err), DK_OK);
    return tx;
}

static inline void temp_db_commit(struct dk_tx *tx)
{
    struct dk_err err;
    assert_int_equal(dk_store_commit(tx, &err), DK_OK);
}

#endif
