/* Fuzz target: the command-line option parser and its validators, fed NUL-separated argv. */
#include "util/opt.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct settings {
    const char *brokers;
    int64_t trigger_us, limit, size;
    double ratio;
    int format;
    bool dry_run, has_limit;
    silt_opt_strings topics;
} settings;

static const silt_opt_choice formats[] = {{"jsonl", 1}, {"csv", 2}, {"table", 3}, {NULL, 0}};

static const silt_opt_spec spec[] = {
    {"brokers", 'b', SILT_OPT_STRING, "HOST:PORT", "127.0.0.1:9092", NULL, "brokers",
     SILT_OPT_TO_STR(settings, brokers)},
    {"trigger", 0, SILT_OPT_DURATION, "DURATION", "1s", NULL, "trigger",
     SILT_OPT_TO_I64(settings, trigger_us)},
    {"limit", 'n', SILT_OPT_INT, "N", NULL, "0..1000000", "limit", SILT_OPT_TO_I64(settings, limit),
     SILT_OPT_GIVEN(settings, has_limit)},
    {"ratio", 0, SILT_OPT_DOUBLE, "X", NULL, "0..1", "ratio", SILT_OPT_TO_DOUBLE(settings, ratio)},
    {"size", 0, SILT_OPT_SIZE, "BYTES", "128M", "1..", "size", SILT_OPT_TO_I64(settings, size)},
    {"format", 'f', SILT_OPT_CHOICE, "FMT", "jsonl", NULL, "format",
     SILT_OPT_TO_INT(settings, format), SILT_OPT_CHOICES(formats)},
    {"dry-run", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "dry run", SILT_OPT_TO_BOOL(settings, dry_run)},
    {"topic", 't', SILT_OPT_STRINGS, "T", NULL, NULL, "topics",
     SILT_OPT_TO_STRINGS(settings, topics)},
    {0},
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
    settings set;
    silt_error err;
    if (silt_opts_parse(&o, spec, &set, argc, argv, 1, "kafka.", &err) == 0) {
        /* what was accepted was stored within its range, choices as one of their values */
        if (!set.brokers || set.size < 1 || set.ratio < 0 || set.ratio > 1) abort();
        if (set.has_limit && (set.limit < 0 || set.limit > 1000000)) abort();
        if (set.format < 1 || set.format > 3 || set.topics.n > SILT_OPT_STRINGS_MAX) abort();
    }
    free(copy);
    return 0;
}
