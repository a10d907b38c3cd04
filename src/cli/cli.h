/* cli.h — the public header of src/cli: `docket <noun> <verb>` commands and
 * the configuration they share (flags, then DOCKET_* environment variables,
 * then an optional config file, then defaults). Each command returns the
 * process exit status. */
#ifndef DOCKET_CLI_CLI_H
#define DOCKET_CLI_CLI_H

#include <stdio.h>

#include "base/base.h"

enum {
    DK_EXIT_OK = 0,
    DK_EXIT_FAILURE = 1,
    DK_EXIT_USAGE = 64,
    DK_EXIT_TEMPFAIL = 75
};

struct dk_config {
    const char *listen;      /* default 127.0.0.1:8080 */
    const char *db;          /* default ./docket.db */
    const char *pg;          /* PostgreSQL URI or conninfo; NULL: SQLite */
    int64_t threads;         /* default 4 */
    const char *smtp;        /* relay URL; NULL: replies stay queued */
    const char *mail_from;   /* default support@localhost */
    int64_t outbox_lease_ms; /* 0: the defaults of src/jobs/jobs.h */
    int64_t outbox_retry_ms;
    int64_t outbox_attempts;
    int64_t outbox_poll_ms;
    const char *admin_email; /* first start only */
    const char *admin_password;
    bool is_shape_checked; /* DOCKET_CHECK_SHAPES=1 (test builds) */
    const char *web_dir;   /* DOCKET_WEB_DIR: web/ from disk (dev) */
};

/* Fills config from argv options (those it knows; the rest are left for
 * the command, in *rest), the environment and the config file. Messages go
 * to stderr. DK_INVALID on a bad flag, value or file line. */
DK_MUST_USE enum dk_status dk_config_load(struct dk_arena *arena, int argc,
                                          char **argv, struct dk_config *out,
                                          char ***rest, int *n_rest,
                                          struct dk_err *err);

/* Parses config file text ("key = value" lines, '#' comments) into out,
 * filling only what is still unset. */
DK_MUST_USE enum dk_status dk_config_parse_file(struct dk_arena *arena,
                                                const char *text, size_t len,
                                                struct dk_config *out,
                                                struct dk_err *err);

/* Does a command's argv ask for its usage ("--help" or "-h" anywhere)?
 * Commands answer it on stdout with exit 0 before opening anything. */
bool dk_cli_is_help(int argc, char **argv);

/* Commands: a usage mistake (unknown command or option, missing value)
 * prints the usage on stderr and returns DK_EXIT_USAGE without opening a
 * database. */
int dk_cli_serve(int argc, char **argv);
int dk_cli_user(int argc, char **argv);
int dk_cli_token(int argc, char **argv);
int dk_cli_migrate(int argc, char **argv);
/* The overview of every command, on out. */
void dk_cli_usage(FILE *out);

#endif
