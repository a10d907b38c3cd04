/* admin.c — `docket user add|list|passwd` and `docket token
 * create|revoke`: administration straight on the database, as the system
 * actor, through the same core commands as the API. Each verb's arguments
 * are checked (and --help answered) before any database is opened, so a
 * mistyped command never creates ./docket.db. */
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

typedef int (*verb_fn)(struct session *s);

/* One `docket <noun> <verb>`: what it takes and its usage line. */
struct verb {
    const char *name;
    verb_fn fn;
    bool has_id;                 /* takes one ID argument first */
    const char *const *options;  /* the "--name value" pairs it takes */
    const char *const *required; /* those it cannot do without */
    const char *usage;           /* after "docket " */
};

static const char common_usage[] =
    "All commands take --db PATH (DOCKET_DB), --pg URI (DOCKET_PG) and\n"
    "--config FILE; --help shows a command's usage.\n";

/* The configuration and the command's own arguments (s->rest); nothing is
 * opened yet. */
static bool session_load(struct session *s, int argc, char **argv,
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
    return true;
}

/* Opens (creating and migrating) the database s->config names. */
static bool session_open(struct session *s, const char *command)
{
    struct dk_err err;
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
static const char *option(const struct session *s, const char *name)
{
    for (int i = 0; i + 1 < s->n_rest; i++) {
        if (strcmp(s->rest[i], name) == 0) {
            return s->rest[i + 1];
        }
    }
    return NULL;
}

static bool is_in(const char *arg, const char *const *list)
{
    for (const char *const *k = list; *k; k++) {
        if (strcmp(*k, arg) == 0) {
            return true;
        }
    }
    return false;
}

/* The ID, then only known "--name value" pairs, every required one
 * present. Says what is wrong on stderr. */
static bool check_args(const struct session *s, const char *command,
                       const struct verb *v)
{
    int64_t id = 0;
    if (v->has_id &&
        (s->n_rest < 1 || !dk_parse_id(dk_str_cstr(s->rest[0]), &id))) {
        fprintf(stderr, "docket %s: needs an ID\n", command);
        return false;
    }
    for (int i = v->has_id ? 1 : 0; i < s->n_rest; i += 2) {
        bool is_known = is_in(s->rest[i], v->options);
        if (!is_known || i + 1 >= s->n_rest) {
            fprintf(stderr, "docket %s: %s '%s'\n", command,
                    is_known ? "missing value for" : "unknown option",
                    s->rest[i]);
            return false;
        }
    }
    for (const char *const *r = v->required; *r; r++) {
        if (!option(s, *r)) {
            fprintf(stderr, "docket %s: %s is required\n", command, *r);
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

/* The user whose email is --email (required: checked before). */
static enum dk_status find_user(struct session *s, const char *command,
                                struct dk_user *out)
{
    const char *email = option(s, "--email");
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
    struct dk_user user;
    if (find_user(s, "user passwd", &user) != DK_OK) {
        return DK_EXIT_FAILURE;
    }
    struct dk_user_input in = {.has_password = true,
                               .password = option(s, "--password")};
    struct dk_err err;
    if (dk_core_user_update(&s->ctx, user.id, &in, &user, &err) != DK_OK) {
        return fail("user passwd", &err);
    }
    printf("password changed for %s\n", user.email);
    return DK_EXIT_OK;
}

static int token_create(struct session *s)
{
    struct dk_user user;
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
    if (!dk_parse_id(dk_str_cstr(s->rest[0]), &id)) {
        dk_bug("token revoke without a checked ID");
    }
    struct dk_err err;
    if (dk_core_token_revoke(&s->ctx, id, &err) != DK_OK) {
        return fail("token revoke", &err);
    }
    printf("token %lld revoked\n", (long long)id);
    return DK_EXIT_OK;
}

static const char *const none[] = {NULL};
static const char *const email_only[] = {"--email", NULL};
static const char *const add_options[] = {"--email", "--name",     "--role",
                                          "--kind",  "--password", NULL};
static const char *const list_options[] = {"--kind", NULL};
static const char *const passwd_options[] = {"--email", "--password", NULL};
static const char *const create_options[] = {"--email", "--name", NULL};

static const struct verb user_verbs[] = {
    {"add", user_add, false, add_options, email_only,
     "user add --email E [--name N] [--role R] [--kind K] [--password P]"},
    {"list", user_list, false, list_options, none,
     "user list [--kind agent|customer]"},
    {"passwd", user_passwd, false, passwd_options, passwd_options,
     "user passwd --email E --password P"},
    {NULL, NULL, false, NULL, NULL, NULL},
};

static const struct verb token_verbs[] = {
    {"create", token_create, false, create_options, email_only,
     "token create --email E [--name N]  (prints the token once)"},
    {"revoke", token_revoke, true, none, none, "token revoke ID"},
    {NULL, NULL, false, NULL, NULL, NULL},
};

static void print_verb_usage(FILE *out, const struct verb *v)
{
    fprintf(out, "usage: docket %s\n\n%s", v->usage, common_usage);
}

static void print_noun_usage(FILE *out, const struct verb *verbs)
{
    fprintf(out, "usage:\n");
    for (const struct verb *v = verbs; v->name; v++) {
        fprintf(out, "  docket %s\n", v->usage);
    }
    fprintf(out, "\n%s", common_usage);
}

/* Runs verb v with its arguments: --help, then the checks, then the
 * database. */
static int run_one(const struct verb *v, const char *noun, int argc,
                   char **argv)
{
    if (dk_cli_is_help(argc, argv)) {
        print_verb_usage(stdout, v);
        return DK_EXIT_OK;
    }
    char command[64];
    snprintf(command, sizeof(command), "%s %s", noun, v->name);
    struct session s;
    int rc = DK_EXIT_FAILURE;
    if (!session_load(&s, argc, argv, command)) {
        rc = DK_EXIT_USAGE;
    } else if (!check_args(&s, command, v)) {
        print_verb_usage(stderr, v);
        rc = DK_EXIT_USAGE;
    } else if (session_open(&s, command)) {
        rc = v->fn(&s);
    }
    session_close(&s);
    return rc;
}

static int run_verb(int argc, char **argv, const char *noun,
                    const struct verb *verbs)
{
    if (argc >= 1 && dk_cli_is_help(1, argv)) {
        print_noun_usage(stdout, verbs);
        return DK_EXIT_OK;
    }
    for (const struct verb *v = verbs; argc >= 1 && v->name; v++) {
        if (strcmp(argv[0], v->name) == 0) {
            return run_one(v, noun, argc - 1, argv + 1);
        }
    }
    if (argc >= 1) {
        fprintf(stderr, "docket %s: unknown command '%s'\n", noun, argv[0]);
    }
    print_noun_usage(stderr, verbs);
    return DK_EXIT_USAGE;
}

int dk_cli_user(int argc, char **argv)
{
    return run_verb(argc, argv, "user", user_verbs);
}

int dk_cli_token(int argc, char **argv)
{
    return run_verb(argc, argv, "token", token_verbs);
}

void dk_cli_usage(FILE *out)
{
    fprintf(out,
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
            "\n%s",
            common_usage);
}
