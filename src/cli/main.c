/* silt's entry point: dispatches to the subcommand named by argv[1]. */
#include "cli/cli.h"
#include "store/store.h"
#include "util/suggest.h"
#include "version.h"

#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define SILT_COMMAND(id) extern const silt_command silt_cmd_##id;
#include "cli_commands.gen.h"
#undef SILT_COMMAND

static const silt_command *const commands[] = {
#define SILT_COMMAND(id) &silt_cmd_##id,
#include "cli_commands.gen.h"
#undef SILT_COMMAND
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

static void usage(FILE *f)
{
    fprintf(f,
            "silt %s: Kafka to Delta Lake medallion pipeline (bronze, silver, gold) in one "
            "binary.\n\n"
            "Usage: silt <command> [options]\n\nCommands:\n",
            SILT_VERSION);
    for (size_t i = 0; i < n_commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "  %-12s %s\n", "help", "show this help, or a command's help");
    fprintf(f, "\nRun 'silt <command> --help' for the options of a command.\n"
               "Every command takes --storage-option NAME=VALUE (repeatable) for object stores,\n"
               "e.g. --storage-option AZURE_STORAGE_ACCOUNT_NAME=acct (see docs/AZURE.md).\n"
               "Environment: SILT_LOG_LEVEL=debug|info|warn|error sets the log level.\n");
}

static const silt_command *find(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(commands[i]->name, name) == 0) return commands[i];
    return NULL;
}

/* Every stage allocates and frees buffers of a batch's size (hundreds of KiB to MiB) for every
 * batch. glibc serves such blocks by mmap, or gives freed heap tops back, so each batch faulted
 * its pages in afresh (a third of a SQL query's time went to page faults). Blocks up to 32 MiB
 * come from the heap instead, and up to 64 MiB of free heap top is kept for reuse. A process
 * setting, so it is made here, once, before any thread starts. */
static void tune_malloc(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int main(int argc, char **argv)
{
    tune_malloc();
    if (argc < 2) {
        usage(stderr);
        return SILT_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return SILT_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) name = "version";
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return SILT_EXIT_OK;
        }
        const silt_command *c = find(argv[2]);
        if (c) {
            char *sub[] = {argv[2], "--help", NULL};
            return c->run(2, sub);
        }
        name = argv[2];
    } else {
        const silt_command *c = find(name);
        silt_error err; /* --storage-option NAME=VALUE, for any command: object-store settings */
        if (c && silt_store_options_from_argv(&argc, argv, &err)) {
            fprintf(stderr, "silt %s: %s\n", name, err.msg);
            return SILT_EXIT_USAGE;
        }
        if (c) return c->run(argc - 1, argv + 1);
    }
    const char *names[128];
    size_t k = 0;
    for (size_t i = 0; i < n_commands && k < 127; i++) names[k++] = commands[i]->name;
    names[k++] = "help";
    const char *best = silt_suggest(name, names, k);
    if (name[0] == '-')
        fprintf(stderr, "silt: unknown option '%s'\n", name);
    else if (best)
        fprintf(stderr, "silt: unknown command '%s'; did you mean '%s'?\n", name, best);
    else
        fprintf(stderr, "silt: unknown command '%s'\n", name);
    fprintf(stderr, "Run 'silt --help' for the list of commands.\n");
    return SILT_EXIT_USAGE;
}
