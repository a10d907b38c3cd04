/* test_config.c — the config file parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cli/cli.h"

static enum dk_status parse(const char *text, struct dk_config *c,
                            struct dk_err *err, struct dk_arena *arena)
{
    memset(c, 0, sizeof(*c));
    dk_err_init(err);
    return dk_config_parse_file(arena, text, strlen(text), c, err);
}

static void test_dk_config_parse_file__keys_comments_blanks(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_config c;
    struct dk_err err;
    assert_int_equal(parse("# Docket\n\n  listen = 127.0.0.1:9000  \r\n"
                           "db=/var/lib/docket/d.db\nthreads = 8\n"
                           "pg = postgresql://x@h/d",
                           &c, &err, &arena),
                     DK_OK);
    assert_string_equal(c.listen, "127.0.0.1:9000");
    assert_string_equal(c.db, "/var/lib/docket/d.db");
    assert_int_equal(c.threads, 8);
    assert_string_equal(c.pg, "postgresql://x@h/d");
    dk_arena_release(&arena);
}

static void test_dk_config_parse_file__earlier_sources_win(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_config c = {.listen = "from-flag:1"};
    struct dk_err err;
    const char text[] = "listen = from-file:2\n";
    assert_int_equal(dk_config_parse_file(&arena, text, strlen(text), &c, &err),
                     DK_OK);
    assert_string_equal(c.listen, "from-flag:1");
    dk_arena_release(&arena);
}

static void test_dk_config_parse_file__names_the_bad_line(void **state)
{
    (void)state;
    struct dk_arena arena;
    dk_arena_init(&arena);
    struct dk_config c;
    struct dk_err err;
    assert_int_equal(parse("listen = a:1\ncolour = red\n", &c, &err, &arena),
                     DK_INVALID);
    assert_non_null(strstr(err.message, "line 2"));
    assert_non_null(strstr(err.message, "colour"));
    assert_int_equal(parse("threads = 0\n", &c, &err, &arena), DK_INVALID);
    assert_int_equal(parse("threads = 65\n", &c, &err, &arena), DK_INVALID);
    assert_int_equal(parse("threads = 4x\n", &c, &err, &arena), DK_INVALID);
    assert_int_equal(parse("just words\n", &c, &err, &arena), DK_INVALID);
    assert_non_null(strstr(err.message, "key = value"));
    assert_int_equal(parse("db =\n", &c, &err, &arena), DK_INVALID);
    assert_int_equal(parse("db = \xff\n", &c, &err, &arena), DK_INVALID);
    static char big[70 * 1024];
    memset(big, '#', sizeof(big) - 1);
    assert_int_equal(parse(big, &c, &err, &arena), DK_TOO_LARGE);
    dk_arena_release(&arena);
}

static void test_dk_cli_is_help__anywhere_long_or_short(void **state)
{
    (void)state;
    char add[] = "add";
    char email[] = "--email";
    char help[] = "--help";
    char h[] = "-h";
    char hh[] = "--helpx";
    char *with_help[] = {add, email, help};
    char *with_h[] = {h};
    char *without[] = {add, email, hh};
    assert_true(dk_cli_is_help(3, with_help));
    assert_true(dk_cli_is_help(1, with_h));
    assert_false(dk_cli_is_help(3, without));
    assert_false(dk_cli_is_help(0, with_help));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_config_parse_file__keys_comments_blanks),
        cmocka_unit_test(test_dk_config_parse_file__earlier_sources_win),
        cmocka_unit_test(test_dk_config_parse_file__names_the_bad_line),
        cmocka_unit_test(test_dk_cli_is_help__anywhere_long_or_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
