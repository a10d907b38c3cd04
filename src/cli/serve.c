/* serve.c — `docket serve`: open the store (migrating it), create the first
 * admin, serve HTTP until SIGTERM or SIGINT, then stop cleanly. */
#include "cli/cli.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "http/http.h"
#include "jobs/jobs.h"

static void print_serve_help(FILE *out)
{
    fprintf(
        out,
        "usage: docket serve [options]\n"
        "\n"
        "  --listen HOST:PORT  address to listen on (DOCKET_LISTEN;\n"
        "                      default 127.0.0.1:8080; [::1]:8080 for "
        "IPv6)\n"
        "  --db PATH           SQLite database file (DOCKET_DB; default\n"
        "                      ./docket.db, created when missing)\n"
        "  --threads N         HTTP worker threads (DOCKET_THREADS; "
        "default 32)\n"
        "  --pg URI            use PostgreSQL instead of SQLite (DOCKET_PG;\n"
        "                      e.g. postgresql://docket@127.0.0.1/docket)\n"
        "  --smtp URL          relay for email out (DOCKET_SMTP; e.g.\n"
        "                      smtp://127.0.0.1:25 or smtps://user:pw@host);\n"
        "                      without it replies wait in the outbox\n"
        "  --mail-from ADDR    address replies come from (DOCKET_MAIL_FROM;\n"
        "                      default support@localhost)\n"
        "  --outbox-retry-ms N first retry of a failed delivery, doubling\n"
        "                      up to an hour (DOCKET_OUTBOX_RETRY_MS; 30000)\n"
        "  --outbox-attempts N attempts before giving up\n"
        "                      (DOCKET_OUTBOX_ATTEMPTS; default 10)\n"
        "  --outbox-lease-ms N how long a node holds a job before another\n"
        "                      may take it (DOCKET_OUTBOX_LEASE_MS; 300000)\n"
        "  --outbox-poll-ms N  look for due jobs at least this often\n"
        "                      (DOCKET_OUTBOX_POLL_MS; default 1000)\n"
        "  --config FILE       'key = value' file with any of the above,\n"
        "                      keys as the flags with '_' for '-' "
        "(listen,\n"
        "                      mail_from, outbox_retry_ms, …) "
        "(DOCKET_CONFIG);\n"
        "                      flags and environment win\n"
        "\n"
        "On first start the admin account is created from\n"
        "DOCKET_ADMIN_EMAIL (default admin@example.com) and\n"
        "DOCKET_ADMIN_PASSWORD (default: generated and printed once).\n");
}

/* Blocks the stop signals in every thread; main waits for them. */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static enum dk_status seed_admin(struct dk_core *core,
                                 const struct dk_config *config,
                                 struct dk_err *err)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    const char *email =
        config->admin_email ? config->admin_email : "admin@example.com";
    const char *generated = NULL;
    enum dk_status s = dk_core_seed(core, &arena, email, config->admin_password,
                                    &generated, err);
    if (s == DK_OK && generated) {
        printf("docket: created admin account %s with password %s\n"
               "docket: this password is shown only once\n",
               email, generated);
        fflush(stdout);
    }
    dk_arena_release(&arena);
    return s;
}

/* Database connections for a node of n HTTP threads. Threads are many so
 * that concurrent writes share a commit (a writer waits in its thread until
 * the batch is on disk: shared/MEASURED.md, docs/performance.md); readers
 * hold a connection only for their query, so the pool stays small — each
 * PostgreSQL connection is a server process, each SQLite one has its own
 * page cache. */
static unsigned store_connections(int n_threads)
{
    enum { MAX_CONNECTIONS = 16 };
    unsigned n = (unsigned)n_threads + 2;
    return n < MAX_CONNECTIONS ? n : MAX_CONNECTIONS;
}

/* glibc gives threads up to 8 malloc arenas per CPU, and each keeps what
 * its threads freed: 32 HTTP threads that took turns at full-text searches
 * (~25 MB of FTS5 doclists each) held 270–320 MB between them, against
 * 84–98 MB with 2 arenas per CPU and the same latency (issue 5). */
static void limit_malloc_arenas(void)
{
    long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, n_cpus > 0 ? (int)(2 * n_cpus) : 2);
}

static int run(const struct dk_config *config)
{
    limit_malloc_arenas();
    sigset_t stop;
    block_stop_signals(&stop);
    struct dk_err err;
    dk_err_init(&err);
    struct dk_core *core = NULL;
    struct dk_server *server = NULL;
    struct dk_jobs *jobs = NULL;
    int rc = DK_EXIT_FAILURE;
    struct dk_store_config store_config = {
        .sqlite_path = config->db,
        .pg_conninfo = config->pg,
        .n_connections = store_connections(config->threads),
    };
    if (dk_core_open(&store_config, &core, &err) != DK_OK) {
        goto out;
    }
    if (seed_admin(core, config, &err) != DK_OK) {
        goto out;
    }
    /* The workers start first: a bad relay setting is refused before the
     * port answers anything. */
    struct dk_jobs_config jobs_config = {
        .smtp_url = config->smtp,
        .mail_from = config->mail_from,
        .lease_ms = config->outbox_lease_ms,
        .retry_ms = config->outbox_retry_ms,
        .max_attempts = config->outbox_attempts,
        .poll_ms = config->outbox_poll_ms,
    };
    if (dk_jobs_start(core, &jobs_config, &jobs, &err) != DK_OK) {
        goto out;
    }
    struct dk_http_config http = {
        .listen = config->listen,
        .n_threads = (unsigned)config->threads,
        .is_shape_checked = config->is_shape_checked,
        .web_dir = config->web_dir,
    };
    if (dk_http_start(core, &http, &server, &err) != DK_OK) {
        goto out;
    }
    if (!config->smtp) {
        dk_log_info("docket: no --smtp relay: replies wait in the outbox "
                    "until one is set");
    }
    dk_log_info("docket: serving on http://%s (database %s, schema %d)",
                config->listen, config->pg ? "PostgreSQL" : config->db,
                dk_core_schema_version(core));
    int sig = 0;
    sigwait(&stop, &sig);
    dk_log_info("docket: %s received, stopping", strsignal(sig));
    rc = DK_EXIT_OK;
out:
    if (err.status != DK_OK) {
        fprintf(stderr, "docket: %s\n", err.message);
    }
    /* Workers first: they commit, and commits tell the HTTP stream. */
    dk_jobs_stop(jobs);
    dk_http_stop(server);
    dk_core_free(core);
    if (rc == DK_EXIT_OK) {
        dk_log_info("docket: stopped");
    }
    return rc;
}

int dk_cli_serve(int argc, char **argv)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_config config;
    char **rest = NULL;
    int n_rest = 0;
    struct dk_err err;
    int rc = DK_EXIT_USAGE;
    if (dk_cli_is_help(argc, argv)) {
        print_serve_help(stdout);
        rc = DK_EXIT_OK;
    } else if (dk_config_load(&arena, argc, argv, &config, &rest, &n_rest,
                              &err) != DK_OK) {
        fprintf(stderr, "docket serve: %s\n", err.message);
    } else if (n_rest > 0) {
        fprintf(stderr, "docket serve: unknown option '%s'\n", rest[0]);
        print_serve_help(stderr);
    } else {
        rc = run(&config);
    }
    dk_arena_release(&arena);
    return rc;
}
