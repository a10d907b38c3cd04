/* ratelimit.c — fixed table of keys, each with the start of its window and
 * the failures in it. A table of a few thousand entries scanned linearly is
 * cheap next to an argon2id hash, which every attempt costs anyway. */
#include "core/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

enum { KEY_BYTES = 128 };

struct entry {
    char key[KEY_BYTES];
    int64_t window_start_ms;
    unsigned failures;
};

struct dk_ratelimit {
    pthread_mutex_t lock;
    unsigned max_failures;
    int64_t window_ms;
    struct entry *entries;
    unsigned n_entries;
};

struct dk_ratelimit *dk_ratelimit_new(unsigned max_failures, int64_t window_ms,
                                      unsigned max_keys)
{
    struct dk_ratelimit *rl = dk_xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->max_failures = max_failures;
    rl->window_ms = window_ms;
    rl->n_entries = max_keys ? max_keys : 1;
    rl->entries = dk_xcalloc(rl->n_entries, sizeof(*rl->entries));
    return rl;
}

void dk_ratelimit_free(struct dk_ratelimit *rl)
{
    if (!rl) {
        return;
    }
    pthread_mutex_destroy(&rl->lock);
    free(rl->entries);
    free(rl);
}

/* The entry of key, or NULL. Caller holds the lock. */
static struct entry *find(struct dk_ratelimit *rl, const char *key)
{
    for (unsigned i = 0; i < rl->n_entries; i++) {
        if (rl->entries[i].key[0] &&
            strncmp(rl->entries[i].key, key, KEY_BYTES - 1) == 0) {
            return &rl->entries[i];
        }
    }
    return NULL;
}

/* A free slot, else the one whose window started longest ago. */
static struct entry *claim(struct dk_ratelimit *rl, const char *key)
{
    struct entry *victim = &rl->entries[0];
    for (unsigned i = 0; i < rl->n_entries; i++) {
        struct entry *e = &rl->entries[i];
        if (!e->key[0]) {
            victim = e;
            break;
        }
        if (e->window_start_ms < victim->window_start_ms) {
            victim = e;
        }
    }
    memset(victim, 0, sizeof(*victim));
    snprintf(victim->key, sizeof(victim->key), "%s", key);
    return victim;
}

bool dk_ratelimit_allows(struct dk_ratelimit *rl, const char *key,
                         int64_t now_ms, int64_t *retry_after_ms)
{
    pthread_mutex_lock(&rl->lock);
    struct entry *e = find(rl, key);
    bool allows = true;
    if (e && now_ms - e->window_start_ms < rl->window_ms &&
        e->failures >= rl->max_failures) {
        allows = false;
        *retry_after_ms = e->window_start_ms + rl->window_ms - now_ms;
    }
    pthread_mutex_unlock(&rl->lock);
    return allows;
}

void dk_ratelimit_fail(struct dk_ratelimit *rl, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&rl->lock);
    struct entry *e = find(rl, key);
    if (!e) {
        e = claim(rl, key);
    }
    if (e->failures == 0 || now_ms - e->window_start_ms >= rl->window_ms) {
        e->window_start_ms = now_ms;
        e->failures = 0;
    }
    e->failures++;
    pthread_mutex_unlock(&rl->lock);
}

void dk_ratelimit_reset(struct dk_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->lock);
    struct entry *e = find(rl, key);
    if (e) {
        memset(e, 0, sizeof(*e));
    }
    pthread_mutex_unlock(&rl->lock);
}
