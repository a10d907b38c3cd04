/* admin.c — `docket user add|list|passwd` and `docket token
 * create|revoke`: administration straight on the database, as the system
 * actor, through the same core commands as the API. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"

/* An open store and core for one command. */
struct session {
    struct dk_arena arena;
    struct dk_core *core;
    struct dk_actor system;
    struct dk_ctx ctx;
    struct dk_config config;
    char **rest;
    int n_rest;
};

static bool session_open(struct session *s, int argc, char **argv,
                         const char *command)
{
    memset(s, 0, sizeof(*s));
    dk_arena_init(&s->arena);
    struct dk_err err;
    if (dk_config_load(&s->arena, argc, argv, &s->config, &s->rest, &s->n_rest,
                       &err) != DK_OK) {
        fprintf(stderr, "docket %s: %s\n", command, err.message);
        return false;
    }
    struct dk_store_config store_config = {.sqlite_path = s->config.db,
                                           .pg_conninfo = s->config.pg,
                                           .n_connections = 2};
    if (dk_core_open(&store_config, &s->core, &err) != DK_OK) {
        fprintf(stderr, "docket %s: %s\n", command, err.message);
        return false;
    }
    s->ctx = (struct dk_ctx){s->core, &s->system, &s->arena};
    return true;
}

static void session_close(struct session *s)
{
    dk_core_free(s->core);
    dk_arena_release(&s->arena);
}

/* The value of "--name value" among the remaining arguments, or NULL. */
static const char *option(struct session *s, const char *name)
{
    for (int i = 0; i + 1 < s->n_rest; i++) {
        if (strcmp(s->rest[i], name) == 0) {
            return s->rest[i + 1];
        }
    }
    return NULL;
}

/* Every remaining argument must be a known "--name value" pair. */
static bool check_options(struct session *s, const char *command,
                          const char *const *known)
{
    for (int i = 0; i < s->n_rest; i += 2) {
        bool is_known = false;
        for (const char *const *k = known; *k; k++) {
            is_known = is_known || strcmp(*k, s->rest[i]) == 0;
        }
        if (!is_known || i + 1 >= s->n_rest) {
            fprintf(stderr, "docket %s: %s '%s'\n", command,
                    is_known ? "missing value for" : "unknown option",
                    s->rest[i]);
            return false;
        }
    }
    return true;
}

static int fail(const char *command, const struct dk_err *err)
{
    fprintf(stderr, "docket %s: %s\n", command, err->message);
    return err->status == DK_BUSY ? DK_EXIT_TEMPFAIL : DK_EXIT_FAILURE;
}

static int user_add(struct session *s)
{
    static const char *const known[] = {"--email", "--name",     "--role",
                                        "--kind",  "--password", NULL};
    if (!check_options(s, "user add", known)) {
        return DK_EXIT_USAGE;
    }
    const char *password = option(s, "--password");
    struct dk_user_input in = {
        .has_email = true,
        .email = option(s, "--email"),
        .has_name = option(s, "--name") != NULL,
        .name = option(s, "--name"),
        .has_role = option(s, "--role") != NULL,
        .role = option(s, "--role"),
        .has_kind = option(s, "--kind") != NULL,
        .kind = option(s, "--kind"),
        .has_password = password != NULL,
        .password = password,
    };
    if (!in.email) {
        fprintf(stderr, "docket user add: --email is required\n");
        return DK_EXIT_USAGE;
    }
    if (!in.has_name) {
        in.has_name = true;
        in.name = dk_arena_strndup(&s->arena, in.email, strcspn(in.email, "@"));
    }
    struct dk_user user;
    struct dk_err err;
    if (dk_core_user_create(&s->ctx, &in, &user, &err) != DK_OK) {
        return fail("user add", &err);
    }
    printf("%lld\t%s\t%s\t%s\n", (long long)user.id, user.email, user.kind,
           user.role);
    return DK_EXIT_OK;
}

static int user_list(struct session *s)
{
    static const char *const known[] = {"--kind", NULL};
    if (!check_options(s, "user list", known)) {
        return DK_EXIT_USAGE;
    }
    struct dk_user_list_params p = {.kind = option(s, "--kind"),
                                    .limit = "500"};
    struct dk_err err;
    for (;;) {
        struct dk_user_page page;
        if (dk_core_user_list(&s->ctx, &p, &page, &err) != DK_OK) {
            return fail("user list", &err);
        }
        for (size_t i = 0; i < page.n_items; i++) {
            const struct dk_user *u = &page.items[i];
            printf("%lld\t%s\t%s\t%s\t%s%s\n", (long long)u->id, u->email,
                   u->name, u->kind, u->role,
                   u->is_disabled ? "\tdisabled" : "");
        }
        if (!page.next_cursor) {
            return DK_EXIT_OK;
        }
        p.cursor = page.next_cursor;
    }
}

static enum dk_status find_user(struct session *s, const char *command,
                                struct dk_user *out)
{
    const char *email = option(s, "--email");
    if (!email) {
        fprintf(stderr, "docket %s: --email is required\n", command);
        return DK_INVALID;
    }
    struct dk_user_list_params p = {.q = email, .limit = "500"};
    struct dk_user_page page;
    struct dk_err err;
    if (dk_core_user_list(&s->ctx, &p, &page, &err) != DK_OK) {
        fail(command, &err);
        return err.status;
    }
    for (size_t i = 0; i < page.n_items; i++) {
        if (strcasecmp(page.items[i].email, email) == 0) {
            *out = page.items[i];
            return DK_OK;
        }
    }
    fprintf(stderr, "docket %s: no user with email '%s'\n", command, email);
    return DK_NOT_FOUND;
}

static int user_passwd(struct session *s)
{
    static const char *const known[] = {"--email", "--password", NULL};
    struct dk_user user;
    if (!check_options(s, "user passwd", known)) {
        return DK_EXIT_USAGE;
    }
    if (find_user(s, "user passwd", &user) != DK_OK) {
        return DK_EXIT_FAILURE;
    }
    struct dk_user_input in = {.has_password = true,
                               .password = option(s, "--password")};
    if (!in.password) {
        fprintf(stderr, "docket user passwd: --password is required\n");
        return DK_EXIT_USAGE;
    }
    struct dk_err err;
    if (dk_core_user_update(&s->ctx, user.id, &in, &user, &err) != DK_OK) {
        return fail("user passwd", &err);
    }
    printf("password changed for %s\n", user.email);
    return DK_EXIT_OK;
}

static int token_create(struct session *s)
{
    static const char *const known[] = {"--email", "--name", NULL};
    struct dk_user user;
    if (!check_options(s, "token create", known)) {
        return DK_EXIT_USAGE;
    }
    if (find_user(s, "token create", &user) != DK_OK) {
        return DK_EXIT_FAILURE;
    }
    struct dk_new_token token;
    struct dk_err err;
    if (dk_core_token_create(&s->ctx, user.id, option(s, "--name"), &token,
                             &err) != DK_OK) {
        return fail("token create", &err);
    }
    printf("%s\n", token.secret);
    fprintf(stderr, "docket: token %lld for %s; it is shown only once\n",
            (long long)token.token.id, user.email);
    return DK_EXIT_OK;
}

static int token_revoke(struct session *s)
{
    int64_t id = 0;
    if (s->n_rest != 1 || !dk_parse_id(dk_str_cstr(s->rest[0]), &id)) {
        fprintf(stderr, "usage: docket token revoke ID\n");
        return DK_EXIT_USAGE;
    }
    struct dk_err err;
    if (dk_core_token_revoke(&s->ctx, id, &err) != DK_OK) {
        return fail("token revoke", &err);
    }
    printf("token %lld revoked\n", (long long)id);
    return DK_EXIT_OK;
}

typedef int (*verb_fn)(struct session *s);

static int run_verb(int argc, char **argv, const char *noun,
                    const char *const *verbs, const verb_fn *fns)
{
    if (argc < 1) {
        dk_cli_usage();
        return DK_EXIT_USAGE;
    }
    for (size_t i = 0; verbs[i]; i++) {
        if (strcmp(argv[0], verbs[i]) != 0) {
            continue;
        }
        char command[64];
        snprintf(command, sizeof(command), "%s %s", noun, verbs[i]);
        struct session s;
        int rc = DK_EXIT_FAILURE;
        if (session_open(&s, argc - 1, argv + 1, command)) {
            rc = fns[i](&s);
        }
        session_close(&s);
        return rc;
    }
    fprintf(stderr, "docket %s: unknown command '%s'\n", noun, argv[0]);
    dk_cli_usage();
    return DK_EXIT_USAGE;
}

int dk_cli_user(int argc, char **argv)
{
    static const char *const verbs[] = {"add", "list", "passwd", NULL};
    static const verb_fn fns[] = {user_add, user_list, user_passwd};
    return run_verb(argc, argv, "user", verbs, fns);
}

int dk_cli_token(int argc, char **argv)
{
    static const char *const verbs[] = {"create", "revoke", NULL};
    static const verb_fn fns[] = {token_create, token_revoke};
    return run_verb(argc, argv, "token", verbs, fns);
}

void dk_cli_usage(void)
{
    fprintf(stderr,
            "usage: docket <command> [options]\n"
            "\n"
            "  serve                              run the server (--help)\n"
            "  user add --email E [--name N] [--role R] [--kind K]\n"
            "           [--password P]\n"
            "  user list [--kind agent|customer]\n"
            "  user passwd --email E --password P\n"
            "  token create --email E [--name N]  prints the token once\n"
            "  token revoke ID\n"
            "  migrate --from sqlite:PATH --to postgresql://…\n"
            "                                     move an installation\n"
            "\n"
            "All commands take --db PATH (DOCKET_DB) and --config FILE.\n");
}
