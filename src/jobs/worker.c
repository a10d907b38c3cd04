/* worker.c — the outbox worker thread: wakes on a commit (here or, through
 * the store's watcher, on another node) or every poll_ms, leases due jobs,
 * delivers them one by one and finishes each: sent, retried with backoff,
 * or given up. */
#include "jobs/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "jobs/internal.h"

enum {
    /* One job per lease: a lease then needs to cover one delivery only (the
     * relay's time-out is half the lease), never a queue of them, so a slow
     * relay cannot make a live node's jobs look abandoned. */
    CLAIM_BATCH = 1,
    OWNER_BYTES = 128,
    MAX_SEND_MS = 60 * 1000,
};

struct dk_jobs {
    struct dk_core *core;
    struct dk_jobs_config config;
    char owner[OWNER_BYTES]; /* this node in lease_owner */
    struct dk_smtp *smtp;    /* NULL: no relay, email jobs wait */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool is_woken;           /* guarded by lock */
    atomic_bool is_stopping; /* read without the lock by deliveries */
};

int64_t dk_jobs_backoff_ms(int64_t retry_ms, int64_t n_failed)
{
    const int64_t cap = 60 * 60 * 1000;
    int64_t delay = retry_ms > 0 ? retry_ms : 1;
    for (int64_t i = 1; i < n_failed && delay < cap; i++) {
        delay *= 2;
    }
    return delay < cap ? delay : cap;
}

/* Printable ASCII with an '@', nothing that could end an address early. */
static bool is_plain_address(const char *s)
{
    if (!strchr(s, '@') || strlen(s) > DK_MAX_EMAIL_BYTES) {
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || strchr("<>\"(),;:[]\\", *p)) {
            return false;
        }
    }
    return true;
}

/* host:pid:random — unique among the nodes and across restarts. */
static void make_owner(char *out, size_t size)
{
    char host[64] = "node";
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    uint32_t nonce = 0;
    if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce)) {
        nonce = (uint32_t)dk_clock_monotonic_ms();
    }
    snprintf(out, size, "%s:%ld:%08x", host, (long)getpid(), nonce);
}

/* The commit hook: something was committed, maybe a job. */
static void wake_worker(void *user, int64_t last_event_id)
{
    (void)last_event_id;
    struct dk_jobs *jobs = user;
    pthread_mutex_lock(&jobs->lock);
    jobs->is_woken = true;
    pthread_cond_signal(&jobs->wake);
    pthread_mutex_unlock(&jobs->lock);
}

/* What to record after one delivery that ended with s. */
static enum dk_outbox_outcome outcome_of(const struct dk_jobs *jobs,
                                         const struct dk_outbox_job *job,
                                         enum dk_status s)
{
    /* A send cut short by a stop is retried and counted like any other:
     * the relay never had the whole message (mail.h, is_stopping). */
    if (s == DK_OK) {
        return DK_OUTBOX_SENT;
    }
    bool may_pass_later = s == DK_BUSY || s == DK_INTERNAL;
    if (may_pass_later && job->attempts < jobs->config.max_attempts) {
        return DK_OUTBOX_RETRY;
    }
    return DK_OUTBOX_FAILED;
}

static void finish_job(struct dk_jobs *jobs, struct dk_ctx *ctx,
                       const struct dk_outbox_job *job,
                       enum dk_outbox_outcome outcome, const char *error)
{
    int64_t retry_at = dk_clock_now_ms() +
                       dk_jobs_backoff_ms(jobs->config.retry_ms, job->attempts);
    bool is_held = false;
    struct dk_err err;
    dk_err_init(&err);
    if (dk_core_outbox_finish(ctx, job, jobs->owner, outcome, retry_at, error,
                              &is_held, &err) != DK_OK) {
        /* The lease runs out and the job comes back: nothing is lost. */
        dk_log_warn("jobs: cannot finish outbox job %lld: %s",
                    (long long)job->id, err.message);
    } else if (!is_held) {
        dk_log_warn("jobs: outbox job %lld: lease lost (ran out while "
                    "delivering); the node that took it finishes it",
                    (long long)job->id);
    }
}

static void run_job(struct dk_jobs *jobs, struct dk_ctx *ctx,
                    const struct jobs_env *env, const struct dk_outbox_job *job)
{
    if (atomic_load(&jobs->is_stopping)) {
        finish_job(jobs, ctx, job, DK_OUTBOX_RELEASE, NULL);
        return;
    }
    struct dk_err err;
    dk_err_init(&err);
    enum dk_status s = jobs_deliver_reply(env, job, &err);
    enum dk_outbox_outcome outcome = outcome_of(jobs, job, s);
    if (outcome == DK_OUTBOX_FAILED) {
        dk_log_warn("jobs: outbox job %lld (%s) given up after %lld "
                    "attempt(s): %s",
                    (long long)job->id, job->kind, (long long)job->attempts,
                    err.message);
    }
    finish_job(jobs, ctx, job, outcome, s == DK_OK ? NULL : err.message);
}

/* Leases and runs one batch of due replies; the number claimed. */
static size_t run_batch(struct dk_jobs *jobs)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_actor system = {0};
    struct dk_ctx ctx = {jobs->core, &system, &arena};
    struct jobs_env env = {&ctx, jobs->smtp, jobs->config.mail_from};
    struct dk_err err;
    dk_err_init(&err);
    bool is_due = false;
    struct dk_outbox_job *batch = NULL;
    size_t n = 0;
    enum dk_status s =
        dk_core_outbox_is_due(&ctx, "email.reply", &is_due, &err);
    if (s == DK_OK && is_due) {
        s = dk_core_outbox_claim(&ctx, "email.reply", jobs->owner,
                                 jobs->config.lease_ms, CLAIM_BATCH, &batch, &n,
                                 &err);
    }
    if (s != DK_OK) {
        dk_log_warn("jobs: cannot read the outbox: %s", err.message);
    }
    for (size_t i = 0; i < n; i++) {
        run_job(jobs, &ctx, &env, &batch[i]);
    }
    dk_arena_release(&arena);
    return n;
}

/* Sleeps until woken, stopped or poll_ms have passed. */
static void wait_for_work(struct dk_jobs *jobs)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    int64_t ns = until.tv_nsec + (jobs->config.poll_ms % 1000) * 1000000;
    until.tv_sec += jobs->config.poll_ms / 1000 + ns / 1000000000;
    until.tv_nsec = ns % 1000000000;
    pthread_mutex_lock(&jobs->lock);
    while (!jobs->is_woken && !atomic_load(&jobs->is_stopping)) {
        if (pthread_cond_timedwait(&jobs->wake, &jobs->lock, &until) != 0) {
            break;
        }
    }
    jobs->is_woken = false;
    pthread_mutex_unlock(&jobs->lock);
}

static void *worker_main(void *user)
{
    struct dk_jobs *jobs = user;
    while (!atomic_load(&jobs->is_stopping)) {
        /* A full batch means more may be due: no sleep before the next. */
        if (!jobs->smtp || run_batch(jobs) < CLAIM_BATCH) {
            wait_for_work(jobs);
        }
    }
    return NULL;
}

static void apply_defaults(struct dk_jobs_config *c)
{
    c->lease_ms = c->lease_ms > 0 ? c->lease_ms : 5 * 60 * 1000;
    c->retry_ms = c->retry_ms > 0 ? c->retry_ms : 30 * 1000;
    c->max_attempts = c->max_attempts > 0 ? c->max_attempts : 10;
    c->poll_ms = c->poll_ms > 0 ? c->poll_ms : 1000;
    c->mail_from = c->mail_from ? c->mail_from : "support@localhost";
}

static void init_wake(struct dk_jobs *jobs)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&jobs->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&jobs->lock, NULL);
}

enum dk_status dk_jobs_start(struct dk_core *core,
                             const struct dk_jobs_config *config,
                             struct dk_jobs **out, struct dk_err *err)
{
    *out = NULL;
    const char *from = config->mail_from;
    if (from && !is_plain_address(from)) {
        return dk_fail(err, DK_INVALID, "mail_from",
                       "'mail_from' must be an address like "
                       "support@example.com, not '%.64s'",
                       from);
    }
    struct dk_jobs *jobs = dk_xcalloc(1, sizeof(*jobs));
    jobs->core = core;
    jobs->config = *config;
    apply_defaults(&jobs->config);
    make_owner(jobs->owner, sizeof(jobs->owner));
    if (config->smtp_url) {
        struct dk_smtp_config smtp = {
            .url = config->smtp_url,
            .timeout_ms = MAX_SEND_MS, /* each send: what its lease allows */
            .is_stopping = &jobs->is_stopping,
        };
        enum dk_status s = dk_smtp_new(&smtp, &jobs->smtp, err);
        if (s != DK_OK) {
            free(jobs);
            return s;
        }
    }
    init_wake(jobs);
    atomic_init(&jobs->is_stopping, false);
    if (pthread_create(&jobs->thread, NULL, worker_main, jobs) != 0) {
        dk_bug("jobs: cannot start the worker thread");
    }
    dk_core_add_commit_hook(core, wake_worker, jobs);
    *out = jobs;
    return DK_OK;
}

void dk_jobs_stop(struct dk_jobs *jobs)
{
    if (!jobs) {
        return;
    }
    dk_core_remove_commit_hook(jobs->core, wake_worker, jobs);
    atomic_store(&jobs->is_stopping, true);
    pthread_mutex_lock(&jobs->lock);
    pthread_cond_signal(&jobs->wake);
    pthread_mutex_unlock(&jobs->lock);
    pthread_join(jobs->thread, NULL);
    pthread_cond_destroy(&jobs->wake);
    pthread_mutex_destroy(&jobs->lock);
    dk_smtp_free(jobs->smtp);
    free(jobs);
}
