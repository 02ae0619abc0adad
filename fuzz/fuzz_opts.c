/* Fuzz target: the command-line option parser and its validators, fed NUL-separated argv. */
#include "util/opt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const silt_opt_spec spec[] = {
    {"brokers", 'b', SILT_OPT_STRING, "HOST:PORT", "127.0.0.1:9092", NULL, "brokers"},
    {"trigger", 0, SILT_OPT_DURATION, "DURATION", "1s", NULL, "trigger"},
    {"limit", 'n', SILT_OPT_INT, "N", NULL, "0..1000000", "limit"},
    {"ratio", 0, SILT_OPT_DOUBLE, "X", NULL, "0..1", "ratio"},
    {"size", 0, SILT_OPT_SIZE, "BYTES", "128M", "1..", "size"},
    {"format", 'f', SILT_OPT_CHOICE, "FMT", "jsonl", "jsonl|csv|table", "format"},
    {"dry-run", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "dry run"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[64];
    int argc = 0;
    argv[argc++] = "fuzz";
    char *p = copy;
    while (p < copy + size && argc < 63) {
        argv[argc++] = p;
        p += strlen(p) + 1;
    }
    argv[argc] = NULL;
    silt_opts o;
    silt_error err;
    if (silt_opts_parse(&o, spec, argc, argv, 1, "kafka.", &err) == 0) {
        (void)silt_opts_str(&o, "brokers");
        (void)silt_opts_duration_us(&o, "trigger");
        (void)silt_opts_size(&o, "size");
        (void)silt_opts_int(&o, "limit");
    }
    free(copy);
    return 0;
}
