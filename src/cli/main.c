/* silt's entry point: dispatches to the subcommand named by argv[1]. */
#include "cli/cli.h"
#include "store/store.h"
#include "util/suggest.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
               "Environment: SILT_LOG_LEVEL=debug|info|warn|error sets the log level;\n"
               "SILT_HUGE_PAGES=0 keeps malloc off transparent huge pages.\n");
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

/* A batch's buffers are touched fresh often enough that page faults cost a tenth of a
 * pipeline's time on a VM (each 4 KiB fault costs microseconds there). glibc's malloc asks for
 * transparent huge pages (one fault per 2 MiB) when its tunable glibc.malloc.hugetlb=1 is set,
 * and it reads tunables only at start: so, where the kernel gives huge pages on request, silt
 * sets the tunable and starts itself again, once (the same process, arguments and
 * environment otherwise). SILT_HUGE_PAGES=0 turns this off; sanitizer builds and runs under
 * valgrind, whose allocators are not glibc's, skip it. */
static void ask_huge_pages(char **argv)
{
#if defined(__GLIBC__) && defined(__linux__) && !defined(__SANITIZE_ADDRESS__) &&                  \
    !defined(__SANITIZE_THREAD__)
    char line[128] = ""; /* the kernel gives huge pages only to memory that asks (madvise) */
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f && !fgets(line, sizeof line, f)) line[0] = 0;
    if (f) fclose(f);
    const char *off = getenv("SILT_HUGE_PAGES");
    const char *t = getenv("GLIBC_TUNABLES");
    const char *pre = getenv("LD_PRELOAD");
    if ((off && !strcmp(off, "0")) || (t && strstr(t, "glibc.malloc.hugetlb")) ||
        (pre && strstr(pre, "valgrind")) || !strstr(line, "[madvise]"))
        return;
    char v[1024];
    int n = snprintf(v, sizeof v, "%s%sglibc.malloc.hugetlb=1", t ? t : "", t && *t ? ":" : "");
    if (n < 0 || (size_t)n >= sizeof v || setenv("GLIBC_TUNABLES", v, 1)) return;
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0 || (size_t)len >= sizeof self - 1) return;
    self[len] = 0;
    execv(self, argv); /* by its path, so that its name stays silt; returns only on failure */
#else
    (void)argv;
#endif
}

int main(int argc, char **argv)
{
    ask_huge_pages(argv);
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
