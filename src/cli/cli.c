/* Shared helpers for subcommands: option parsing with help, error reporting, nested dispatch. */
#include "cli/cli.h"

#include "util/suggest.h"

#include <string.h>

int silt_cli_parse(silt_opts *opts, int *out_exit, const silt_opt_spec *spec, void *settings,
                   int argc, char **argv, int first, const char *pass_prefix, const char *usage,
                   const char *description)
{
    silt_error err;
    silt_error_clear(&err);
    if (silt_opts_parse(opts, spec, settings, argc, argv, first, pass_prefix, &err)) {
        fprintf(stderr, "silt %s: %s\n", argv[0], err.msg);
        fprintf(stderr, "Usage: %s\n", usage);
        *out_exit = SILT_EXIT_USAGE;
        return 1;
    }
    if (opts->help) {
        silt_opts_print_help(stdout, usage, description, spec);
        *out_exit = SILT_EXIT_OK;
        return 1;
    }
    return 0;
}

volatile sig_atomic_t silt_cli_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    silt_cli_stop = 1;
}

void silt_cli_catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int silt_cli_fail(const char *cmd, const silt_error *err)
{
    char buf[1024];
    silt_error_format(err, buf, sizeof buf);
    fprintf(stderr, "silt %s: error: %s\n", cmd, buf);
    return err->code == SILT_EINVAL ? SILT_EXIT_USAGE : SILT_EXIT_RUNTIME;
}

static void list_subs(FILE *f, const char *parent, const silt_command *subs, size_t n)
{
    fprintf(f, "Usage: silt %s <command> [options]\n\nCommands:\n", parent);
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-12s %s\n", subs[i].name, subs[i].summary);
    fprintf(f, "\nRun 'silt %s <command> --help' for the options of a command.\n", parent);
}

int silt_cli_dispatch_sub(const char *parent, const silt_command *subs, size_t n, int argc,
                          char **argv)
{
    if (argc < 2) {
        list_subs(stderr, parent, subs, n);
        return SILT_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        list_subs(stdout, parent, subs, n);
        return SILT_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(subs[i].name, name) == 0) return subs[i].run(argc - 1, argv + 1);
    const char *names[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++) names[k++] = subs[i].name;
    const char *best = silt_suggest(name, names, k);
    if (best)
        fprintf(stderr, "silt %s: unknown command '%s'; did you mean '%s'?\n", parent, name, best);
    else
        fprintf(stderr, "silt %s: unknown command '%s'\n", parent, name);
    fprintf(stderr, "Run 'silt %s --help' for the list of commands.\n", parent);
    return SILT_EXIT_USAGE;
}
