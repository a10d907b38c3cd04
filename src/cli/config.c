/* config.c — configuration from flags, environment and file, in that order
 * of precedence. Every value is checked here, once. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CONFIG_BYTES = 64 * 1024 };

struct option_def {
    const char *flag; /* "--listen" */
    const char *env;  /* "DOCKET_LISTEN" */
    const char *key;  /* config file key */
};

enum option_index {
    OPT_LISTEN,
    OPT_DB,
    OPT_THREADS,
    OPT_PG,
    OPT_SMTP,
    OPT_MAIL_FROM,
    OPT_OUTBOX_LEASE_MS,
    OPT_OUTBOX_RETRY_MS,
    OPT_OUTBOX_ATTEMPTS,
    OPT_OUTBOX_POLL_MS,
};

static const struct option_def options[] = {
    [OPT_LISTEN] = {"--listen", "DOCKET_LISTEN", "listen"},
    [OPT_DB] = {"--db", "DOCKET_DB", "db"},
    [OPT_THREADS] = {"--threads", "DOCKET_THREADS", "threads"},
    [OPT_PG] = {"--pg", "DOCKET_PG", "pg"},
    [OPT_SMTP] = {"--smtp", "DOCKET_SMTP", "smtp"},
    [OPT_MAIL_FROM] = {"--mail-from", "DOCKET_MAIL_FROM", "mail_from"},
    [OPT_OUTBOX_LEASE_MS] = {"--outbox-lease-ms", "DOCKET_OUTBOX_LEASE_MS",
                             "outbox_lease_ms"},
    [OPT_OUTBOX_RETRY_MS] = {"--outbox-retry-ms", "DOCKET_OUTBOX_RETRY_MS",
                             "outbox_retry_ms"},
    [OPT_OUTBOX_ATTEMPTS] = {"--outbox-attempts", "DOCKET_OUTBOX_ATTEMPTS",
                             "outbox_attempts"},
    [OPT_OUTBOX_POLL_MS] = {"--outbox-poll-ms", "DOCKET_OUTBOX_POLL_MS",
                            "outbox_poll_ms"},
};

/* Sets *slot to value unless already set; value must not be empty. */
static enum dk_status set_text(const char **slot, const char *key,
                               const char *value, const char *where,
                               struct dk_err *err)
{
    if (*slot) {
        return DK_OK;
    }
    if (!*value) {
        return dk_fail(err, DK_INVALID, key, "%s: '%s' is empty", where, key);
    }
    *slot = value;
    return DK_OK;
}

/* Sets *slot to the integer value (min..max) unless already set. */
static enum dk_status set_int(int64_t *slot, const char *key, const char *value,
                              int64_t min, int64_t max, const char *where,
                              struct dk_err *err)
{
    if (*slot) {
        return DK_OK;
    }
    int64_t n = 0;
    if (!dk_parse_i64(dk_str_cstr(value), &n) || n < min || n > max) {
        return dk_fail(err, DK_INVALID, key,
                       "%s: '%s' must be %lld–%lld, not '%s'", where, key,
                       (long long)min, (long long)max, value);
    }
    *slot = n;
    return DK_OK;
}

/* Stores value for option i unless already set. */
static enum dk_status set_option(struct dk_config *c, size_t i,
                                 const char *value, const char *where,
                                 struct dk_err *err)
{
    const char *key = options[i].key;
    const int64_t day_ms = 24 * 60 * 60 * 1000;
    switch ((enum option_index)i) {
    case OPT_LISTEN:
        return set_text(&c->listen, key, value, where, err);
    case OPT_DB:
        return set_text(&c->db, key, value, where, err);
    case OPT_PG:
        return set_text(&c->pg, key, value, where, err);
    case OPT_SMTP:
        return set_text(&c->smtp, key, value, where, err);
    case OPT_MAIL_FROM:
        return set_text(&c->mail_from, key, value, where, err);
    case OPT_THREADS:
        return set_int(&c->threads, key, value, 1, 64, where, err);
    case OPT_OUTBOX_LEASE_MS:
        return set_int(&c->outbox_lease_ms, key, value, 100, day_ms, where,
                       err);
    case OPT_OUTBOX_RETRY_MS:
        return set_int(&c->outbox_retry_ms, key, value, 1, day_ms, where, err);
    case OPT_OUTBOX_ATTEMPTS:
        return set_int(&c->outbox_attempts, key, value, 1, 1000, where, err);
    case OPT_OUTBOX_POLL_MS:
        return set_int(&c->outbox_poll_ms, key, value, 10, 60 * 60 * 1000,
                       where, err);
    }
    return DK_OK;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

enum dk_status dk_config_parse_file(struct dk_arena *arena, const char *text,
                                    size_t len, struct dk_config *out,
                                    struct dk_err *err)
{
    if (len > MAX_CONFIG_BYTES) {
        return dk_fail(err, DK_TOO_LARGE, NULL,
                       "config file larger than %d bytes", MAX_CONFIG_BYTES);
    }
    if (!dk_utf8_is_valid(text, len)) {
        return dk_fail(err, DK_INVALID, NULL, "config file is not UTF-8");
    }
    struct dk_str rest = dk_str_make(text, len);
    struct dk_str line;
    for (int number = 1; rest.len; number++) {
        dk_str_split(rest, '\n', &line, &rest);
        while (line.len && is_blank(line.ptr[0])) {
            line = dk_str_make(line.ptr + 1, line.len - 1);
        }
        while (line.len && is_blank(line.ptr[line.len - 1])) {
            line.len--;
        }
        if (line.len == 0 || line.ptr[0] == '#') {
            continue;
        }
        struct dk_str key;
        struct dk_str value;
        if (!dk_str_split(line, '=', &key, &value)) {
            return dk_fail(err, DK_INVALID, NULL,
                           "config line %d: expected 'key = value'", number);
        }
        key = dk_str_trim(key);
        value = dk_str_trim(value);
        size_t i = 0;
        while (i < sizeof(options) / sizeof(options[0]) &&
               !dk_str_eq_cstr(key, options[i].key)) {
            i++;
        }
        if (i == sizeof(options) / sizeof(options[0])) {
            return dk_fail(err, DK_INVALID, NULL,
                           "config line %d: unknown key '%.*s'", number,
                           (int)(key.len > 64 ? 64 : key.len), key.ptr);
        }
        char where[32];
        snprintf(where, sizeof(where), "config line %d", number);
        enum dk_status s = set_option(
            out, i, dk_arena_strndup(arena, value.ptr, value.len), where, err);
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

static enum dk_status read_file(struct dk_arena *arena, const char *path,
                                struct dk_config *out, struct dk_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return dk_fail(err, DK_INVALID, "config", "cannot open '%s': %s", path,
                       strerror(errno));
    }
    char *text = dk_arena_alloc(arena, MAX_CONFIG_BYTES + 1);
    size_t len = fread(text, 1, MAX_CONFIG_BYTES + 1, f);
    fclose(f);
    return dk_config_parse_file(arena, text, len, out, err);
}

/* Takes the known flags out of argv ("--flag value" or "--flag=value"). */
static enum dk_status read_flags(int argc, char **argv, struct dk_config *out,
                                 const char **config_path, char ***rest,
                                 int *n_rest, struct dk_arena *arena,
                                 struct dk_err *err)
{
    *rest = dk_arena_calloc(arena, (size_t)argc + 1, sizeof(char *));
    *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        bool is_config = name_len == 8 && strncmp(arg, "--config", 8) == 0;
        size_t found = sizeof(options) / sizeof(options[0]);
        for (size_t j = 0; j < found; j++) {
            if (strlen(options[j].flag) == name_len &&
                strncmp(arg, options[j].flag, name_len) == 0) {
                found = j;
            }
        }
        if (!is_config && found == sizeof(options) / sizeof(options[0])) {
            (*rest)[(*n_rest)++] = argv[i];
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value) {
            return dk_fail(err, DK_INVALID, NULL, "'%s' needs a value", arg);
        }
        enum dk_status s = DK_OK;
        if (is_config) {
            *config_path = value;
        } else {
            s = set_option(out, found, value, "command line", err);
        }
        if (s != DK_OK) {
            return s;
        }
    }
    return DK_OK;
}

enum dk_status dk_config_load(struct dk_arena *arena, int argc, char **argv,
                              struct dk_config *out, char ***rest, int *n_rest,
                              struct dk_err *err)
{
    memset(out, 0, sizeof(*out));
    const char *config_path = NULL;
    enum dk_status s =
        read_flags(argc, argv, out, &config_path, rest, n_rest, arena, err);
    for (size_t i = 0; s == DK_OK && i < sizeof(options) / sizeof(options[0]);
         i++) {
        const char *value = getenv(options[i].env);
        if (value) {
            s = set_option(out, i, value, options[i].env, err);
        }
    }
    if (!config_path) {
        config_path = getenv("DOCKET_CONFIG");
    }
    if (s == DK_OK && config_path) {
        s = read_file(arena, config_path, out, err);
    }
    if (s != DK_OK) {
        return s;
    }
    out->listen = out->listen ? out->listen : "127.0.0.1:8080";
    out->db = out->db ? out->db : "./docket.db";
    out->threads = out->threads ? out->threads : 32;
    out->admin_email = getenv("DOCKET_ADMIN_EMAIL");
    out->admin_password = getenv("DOCKET_ADMIN_PASSWORD");
    const char *shapes = getenv("DOCKET_CHECK_SHAPES");
    out->is_shape_checked = shapes && strcmp(shapes, "1") == 0;
    out->web_dir = getenv("DOCKET_WEB_DIR");
    return DK_OK;
}

bool dk_cli_is_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return true;
        }
    }
    return false;
}
