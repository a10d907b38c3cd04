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

static const struct option_def options[] = {
    {"--listen", "DOCKET_LISTEN", "listen"},
    {"--db", "DOCKET_DB", "db"},
    {"--threads", "DOCKET_THREADS", "threads"},
    {"--pg", "DOCKET_PG", "pg"},
};

/* Stores value for option index i unless already set. */
static enum dk_status set_option(struct dk_config *c, size_t i,
                                 const char *value, const char *where,
                                 struct dk_err *err)
{
    if (i == 0 && !c->listen) {
        c->listen = value;
    } else if (i == 1 && !c->db) {
        if (!*value) {
            return dk_fail(err, DK_INVALID, "db", "%s: 'db' is empty", where);
        }
        c->db = value;
    } else if (i == 3 && !c->pg) {
        if (!*value) {
            return dk_fail(err, DK_INVALID, "pg", "%s: 'pg' is empty", where);
        }
        c->pg = value;
    } else if (i == 2 && !c->threads) {
        int64_t n = 0;
        if (!dk_parse_i64(dk_str_cstr(value), &n) || n < 1 || n > 64) {
            return dk_fail(err, DK_INVALID, "threads",
                           "%s: 'threads' must be 1–64, not '%s'", where,
                           value);
        }
        c->threads = n;
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
    out->threads = out->threads ? out->threads : 4;
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
