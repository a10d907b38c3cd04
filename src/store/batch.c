/* batch.c — group commit. Durable commits cost an fsync each (about 0.3 ms
 * here, shared/MEASURED.md), so concurrent writers share one: each write
 * transaction runs as a savepoint inside a batch transaction on one
 * connection; a writer that finishes while others wait to write leaves the
 * batch open for them and sleeps; the last one in (or one that finds the
 * batch large or a few milliseconds old) commits it and wakes the others
 * with their result. A writer that fails rolls back to its savepoint and
 * takes nothing of the others with it. Nothing is answered before its batch
 * is committed, so every acknowledged write is on disk. Just before the
 * commit the backend brings its search index up to the batch's rows
 * (ops->index_pending), once for all of them.
 *
 * Locks: writer_lock is held by the one writer running (and protects the
 * batch fields); batch_lock guards the waiting count and parked results.
 * Order: writer_lock before batch_lock. */
#include <string.h>

#include "store/internal.h"

enum { MAX_BATCH = 256, MAX_BATCH_AGE_MS = 5 };

static void note_waiting(struct dk_store *store, int delta)
{
    pthread_mutex_lock(&store->batch_lock);
    store->n_writers_waiting =
        (unsigned)((int)store->n_writers_waiting + delta);
    pthread_mutex_unlock(&store->batch_lock);
}

static bool has_waiting(struct dk_store *store)
{
    pthread_mutex_lock(&store->batch_lock);
    bool has = store->n_writers_waiting > 0;
    pthread_mutex_unlock(&store->batch_lock);
    return has;
}

static struct db_conn *batch_conn(struct dk_store *store)
{
    return store->conns[store->batch_conn_index];
}

/* Ends the batch: parked writers get status (and err on failure). Caller
 * holds writer_lock. */
static void close_batch(struct dk_store *store, enum dk_status status,
                        const struct dk_err *err)
{
    store_checkin(store, store->batch_conn_index);
    store->is_batch_open = false;
    store->batch_size = 0;
    pthread_mutex_lock(&store->batch_lock);
    for (struct batch_member *m = store->parked; m; m = m->next) {
        m->status = status;
        if (err) {
            m->err = *err;
        }
        m->is_done = true;
    }
    store->parked = NULL;
    pthread_cond_broadcast(&store->batch_done);
    pthread_mutex_unlock(&store->batch_lock);
}

static void abort_batch(struct dk_store *store, enum dk_status status,
                        const struct dk_err *err)
{
    struct dk_err ignored;
    if (store->ops->exec(batch_conn(store), "ROLLBACK", &ignored) != DK_OK) {
        dk_log_warn("store: batch rollback failed: %s", ignored.message);
    }
    close_batch(store, status, err);
}

static enum dk_status commit_batch(struct dk_store *store, struct dk_err *err)
{
    const struct dk_store_ops *ops = store->ops;
    enum dk_status s =
        ops->index_pending ? ops->index_pending(batch_conn(store), err) : DK_OK;
    if (s == DK_OK) {
        s = ops->exec(batch_conn(store), "COMMIT", err);
    }
    if (s != DK_OK) {
        abort_batch(store, s, err);
        return s;
    }
    close_batch(store, DK_OK, NULL);
    return DK_OK;
}

/* Whether the batch should wait for the writers queued behind us. */
static bool may_grow(struct dk_store *store)
{
    return store->batch_size < MAX_BATCH &&
           dk_clock_monotonic_ms() - store->batch_opened_ms <
               MAX_BATCH_AGE_MS &&
           has_waiting(store);
}

/* After a writer left the batch without parking: commit it for the writers
 * in it, leave it to the next writer, or drop it when empty. Caller holds
 * writer_lock and releases it after. */
static void settle(struct dk_store *store)
{
    if (!store->is_batch_open || may_grow(store)) {
        return;
    }
    if (store->batch_size == 0) {
        abort_batch(store, DK_OK, NULL);
        return;
    }
    struct dk_err err;
    if (commit_batch(store, &err) != DK_OK) {
        dk_log_error("store: batch commit failed: %s", err.message);
    }
}

enum dk_status store_write_begin(struct dk_tx *tx, struct dk_err *err)
{
    struct dk_store *store = tx->store;
    note_waiting(store, 1);
    pthread_mutex_lock(&store->writer_lock);
    note_waiting(store, -1);
    enum dk_status s = DK_OK;
    if (!store->is_batch_open) {
        store->batch_conn_index = store_checkout(store);
        s = store->ops->exec(batch_conn(store), store->ops->begin_write_sql,
                             err);
        if (s != DK_OK) {
            store_checkin(store, store->batch_conn_index);
            pthread_mutex_unlock(&store->writer_lock);
            return s;
        }
        store->is_batch_open = true;
        store->batch_size = 0;
        store->batch_opened_ms = dk_clock_monotonic_ms();
    }
    tx->conn = batch_conn(store);
    s = store->ops->exec(tx->conn, "SAVEPOINT dk_tx", err);
    if (s != DK_OK) {
        /* The batch's connection is broken: everyone in it fails. */
        abort_batch(store, s, err);
        pthread_mutex_unlock(&store->writer_lock);
    }
    return s;
}

/* Parks the calling writer until its batch ends; returns its result. */
static enum dk_status park(struct dk_store *store, struct dk_err *err)
{
    struct batch_member me = {.status = DK_OK};
    dk_err_init(&me.err);
    pthread_mutex_lock(&store->batch_lock);
    me.next = store->parked;
    /* me outlives its place in the list: this thread sleeps until
     * close_batch has taken every member out of it. */
    /* cppcheck-suppress autoVariables */
    store->parked = &me;
    pthread_mutex_unlock(&store->batch_lock);
    pthread_mutex_unlock(&store->writer_lock);
    pthread_mutex_lock(&store->batch_lock);
    while (!me.is_done) {
        pthread_cond_wait(&store->batch_done, &store->batch_lock);
    }
    pthread_mutex_unlock(&store->batch_lock);
    if (me.status != DK_OK && err) {
        *err = me.err;
    }
    return me.status;
}

enum dk_status store_write_commit(struct dk_tx *tx, struct dk_err *err)
{
    struct dk_store *store = tx->store;
    const struct dk_store_ops *ops = store->ops;
    enum dk_status s = DK_OK;
    if (tx->last_event_id && ops->announce) {
        /* Delivered to listeners only when the batch commits. */
        s = ops->announce(tx->conn, tx->last_event_id, err);
    }
    if (s == DK_OK) {
        s = ops->exec(tx->conn, "RELEASE SAVEPOINT dk_tx", err);
    }
    if (s != DK_OK) {
        store_write_rollback(tx);
        return s;
    }
    store->batch_size++;
    if (may_grow(store)) {
        return park(store, err);
    }
    s = commit_batch(store, err);
    pthread_mutex_unlock(&store->writer_lock);
    return s;
}

void store_write_rollback(struct dk_tx *tx)
{
    struct dk_store *store = tx->store;
    struct dk_err err;
    if (store->ops->exec(tx->conn, "ROLLBACK TO SAVEPOINT dk_tx", &err) !=
            DK_OK ||
        store->ops->exec(tx->conn, "RELEASE SAVEPOINT dk_tx", &err) != DK_OK) {
        dk_log_warn("store: savepoint rollback failed (%s); the batch is "
                    "abandoned",
                    err.message);
        abort_batch(store, DK_BUSY, &err);
    } else {
        settle(store);
    }
    pthread_mutex_unlock(&store->writer_lock);
}
