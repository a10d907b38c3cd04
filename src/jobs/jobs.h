/* jobs.h — the public header of src/jobs: the background workers of
 * `docket serve` (outbox delivery: replies by email; webhooks and timers
 * join them). Every node runs them: a job is leased to one node at a time
 * (core's dk_core_outbox_claim), so nothing is done twice while nodes live,
 * and a node that dies gives its jobs back when their leases run out.
 *
 * Threads: dk_jobs_start starts one worker thread; start and stop from one
 * thread. */
#ifndef DOCKET_JOBS_JOBS_H
#define DOCKET_JOBS_JOBS_H

#include "base/base.h"
#include "core/core.h"

struct dk_jobs;

struct dk_jobs_config {
    /* The SMTP relay (see dk_smtp_new); NULL: replies wait in the outbox,
     * queued, until a relay is configured. */
    const char *smtp_url;
    const char *mail_from; /* the address replies come from */
    int64_t lease_ms;      /* a job's lease; 0: 5 minutes */
    int64_t retry_ms;      /* first retry after this, doubling; 0: 30 s */
    int64_t max_attempts;  /* then given up; 0: 10 */
    int64_t poll_ms;       /* look for due jobs at least this often; 0: 1 s */
};

/* Starts the workers over core (which must outlive them). DK_INVALID
 * (field "smtp") for a bad relay URL. */
DK_MUST_USE enum dk_status dk_jobs_start(struct dk_core *core,
                                         const struct dk_jobs_config *config,
                                         struct dk_jobs **out,
                                         struct dk_err *err);
/* Stops the workers: a delivery in progress is abandoned (its job is given
 * back, its attempt not counted), claimed jobs not yet tried are given back;
 * returns once the thread has ended. NULL: nothing. */
void dk_jobs_stop(struct dk_jobs *jobs);

/* The delay before attempt n + 1 after n failed ones: retry_ms doubled for
 * each earlier failure, at most an hour. */
int64_t dk_jobs_backoff_ms(int64_t retry_ms, int64_t n_failed);

#endif
