/* main.c — argv → subcommand, nothing else. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        dk_cli_usage(stderr);
        return DK_EXIT_USAGE;
    }
    if (dk_cli_is_help(1, argv + 1) || strcmp(argv[1], "help") == 0) {
        dk_cli_usage(stdout);
        return DK_EXIT_OK;
    }
    if (strcmp(argv[1], "serve") == 0) {
        return dk_cli_serve(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "user") == 0) {
        return dk_cli_user(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "token") == 0) {
        return dk_cli_token(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "migrate") == 0) {
        return dk_cli_migrate(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("docket 0.1.0\n");
        return DK_EXIT_OK;
    }
    fprintf(stderr, "docket: unknown command '%s'\n", argv[1]);
    dk_cli_usage(stderr);
    return DK_EXIT_USAGE;
}
