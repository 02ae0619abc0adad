/* Option and configuration tables: one table of {name, type, default, range, description} per
 * command or module drives parsing, validation, "did you mean" suggestions and --help. */
#ifndef SILT_UTIL_OPT_H
#define SILT_UTIL_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

typedef enum {
    SILT_OPT_FLAG,     /* no value; present or not */
    SILT_OPT_STRING,   /* any text */
    SILT_OPT_INT,      /* integer, range "min..max" (either side may be empty) */
    SILT_OPT_DOUBLE,   /* floating point, range "min..max" */
    SILT_OPT_DURATION, /* "250ms", "1s", "5m", "2h", "7d" */
    SILT_OPT_SIZE,     /* bytes with optional K/M/G suffix (powers of 1024) */
    SILT_OPT_CHOICE,   /* one of range "a|b|c" */
} silt_opt_type;

typedef struct silt_opt_spec {
    const char *name; /* long name, without "--"; NULL ends the table */
    char short_name;  /* single-letter alias, 0 for none */
    silt_opt_type type;
    const char *metavar; /* shown in --help, e.g. "FILE" */
    const char *def;     /* default as text; NULL = no default */
    const char *range;   /* see silt_opt_type */
    const char *help;    /* one line */
} silt_opt_spec;

#define SILT_OPT_MAX 64
#define SILT_OPT_MAX_ARGS 64

typedef struct silt_opts {
    const silt_opt_spec *spec;
    size_t n_spec;
    const char *value[SILT_OPT_MAX]; /* borrowed from argv; NULL = not given */
    bool help;                       /* --help or -h was given */
    size_t n_args;                   /* positional arguments, borrowed from argv */
    const char *args[SILT_OPT_MAX_ARGS];
    /* Pass-through settings "prefix.key=value" (e.g. kafka.*), when a prefix is allowed. */
    size_t n_extra;
    const char *extra_key[SILT_OPT_MAX_ARGS];
    const char *extra_val[SILT_OPT_MAX_ARGS];
    char extra_buf[4096];
} silt_opts;

/* Parses argv[first..argc). Accepts "--name value", "--name=value", "-x value", flags, "--"
 * to end options, and positional arguments. When pass_prefix is non-NULL (e.g. "kafka."),
 * "--kafka.k=v", "--kafka.k v" and "kafka.k=v" are collected as extra settings. Every value is
 * validated against its type and range. Returns 0, or SILT_EINVAL with a message that names the
 * option and suggests the closest valid one. */
int silt_opts_parse(silt_opts *out, const silt_opt_spec *spec, int argc, char **argv, int first,
                    const char *pass_prefix, silt_error *err);

/* Value of option `name` as given, else its default, else NULL. */
const char *silt_opts_str(const silt_opts *o, const char *name);
bool silt_opts_flag(const silt_opts *o, const char *name);
/* True when the option was given on the command line. */
bool silt_opts_given(const silt_opts *o, const char *name);
int64_t silt_opts_int(const silt_opts *o, const char *name);
double silt_opts_double(const silt_opts *o, const char *name);
int64_t silt_opts_duration_us(const silt_opts *o, const char *name);
int64_t silt_opts_size(const silt_opts *o, const char *name);

/* Parses a size such as "128M" or "64KiB" into bytes; 0 or -1. */
int silt_opt_parse_size(int64_t *out, const char *s);
/* Checks one value against a spec entry; returns 0 or SILT_EINVAL with a message. */
int silt_opt_check(const silt_opt_spec *s, const char *value, silt_error *err);

/* Prints "Usage: <usage>\n\n<description>\n\nOptions:\n" and one aligned line per option with
 * its metavar, help, default and range. */
void silt_opts_print_help(FILE *f, const char *usage, const char *description,
                          const silt_opt_spec *spec);

#endif
