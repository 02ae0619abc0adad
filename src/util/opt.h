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
    SILT_OPT_FLAG,     /* no value; present or not                      -> bool */
    SILT_OPT_STRING,   /* any text (NULL when not given, no default)    -> const char * */
    SILT_OPT_INT,      /* integer, range "min..max" (either side empty) -> int64_t */
    SILT_OPT_DOUBLE,   /* floating point, range "min..max"              -> double */
    SILT_OPT_DURATION, /* "250ms", "1s", "5m", "2h", "7d"               -> int64_t microseconds */
    SILT_OPT_SIZE,     /* bytes, optional K/M/G suffix (powers of 1024) -> int64_t bytes */
    SILT_OPT_CHOICE, /* one of the entry's choices                    -> int (the choice's value) */
    SILT_OPT_STRINGS, /* text, repeatable                              -> silt_opt_strings */
} silt_opt_type;

/* One accepted word of a SILT_OPT_CHOICE option and the value stored for it (an enum). */
typedef struct silt_opt_choice {
    const char *name; /* NULL ends the list */
    int value;
} silt_opt_choice;

/* Where a value goes: a member of the command's settings struct, of the C type named in
 * silt_opt_type. Made with the SILT_OPT_TO_* macros below, which check that type at compile
 * time; kind SILT_DEST_NONE (all zero) = nowhere, which silt_opts_parse refuses. */
typedef enum {
    SILT_DEST_NONE = 0,
    SILT_DEST_BOOL,
    SILT_DEST_STR,
    SILT_DEST_I64,
    SILT_DEST_DOUBLE,
    SILT_DEST_INT,
    SILT_DEST_STRINGS,
} silt_opt_dest_kind;

typedef struct silt_opt_dest {
    silt_opt_dest_kind kind;
    size_t offset;
} silt_opt_dest;

#define SILT_OPT_STRINGS_MAX 64
/* The values of a repeatable option, in command-line order (borrowed from argv). */
typedef struct silt_opt_strings {
    size_t n;
    const char *v[SILT_OPT_STRINGS_MAX];
} silt_opt_strings;

/* The member `field` of struct type T, which must be of C type `ctype` (else a compile error:
 * incompatible pointer types). */
#define SILT_OPT_DEST_(kind, T, field, ctype)                                                      \
    {                                                                                              \
        kind, offsetof(T, field) + 0 * sizeof((ctype *){&((T *)0)->field})                         \
    }
/* The tail of a spec entry, after its help: where the value goes (one of SILT_OPT_TO_*), then
 * optionally SILT_OPT_CHOICES(array) and SILT_OPT_GIVEN(T, bool_field), e.g.
 *   {"limit", 'n', SILT_OPT_INT, "N", NULL, "0..", "stop after N rows",
 *    SILT_OPT_TO_I64(settings, limit), SILT_OPT_GIVEN(settings, has_limit)}, */
#define SILT_OPT_TO_BOOL(T, field) .dest = SILT_OPT_DEST_(SILT_DEST_BOOL, T, field, bool)
#define SILT_OPT_TO_STR(T, field) .dest = SILT_OPT_DEST_(SILT_DEST_STR, T, field, const char *)
#define SILT_OPT_TO_I64(T, field) .dest = SILT_OPT_DEST_(SILT_DEST_I64, T, field, int64_t)
#define SILT_OPT_TO_DOUBLE(T, field) .dest = SILT_OPT_DEST_(SILT_DEST_DOUBLE, T, field, double)
#define SILT_OPT_TO_INT(T, field) .dest = SILT_OPT_DEST_(SILT_DEST_INT, T, field, int)
#define SILT_OPT_TO_STRINGS(T, field)                                                              \
    .dest = SILT_OPT_DEST_(SILT_DEST_STRINGS, T, field, silt_opt_strings)
#define SILT_OPT_CHOICES(array) .choices = (array)
#define SILT_OPT_GIVEN(T, field) .given = SILT_OPT_DEST_(SILT_DEST_BOOL, T, field, bool)

typedef struct silt_opt_spec {
    const char *name; /* long name, without "--"; NULL ends the table */
    char short_name;  /* single-letter alias, 0 for none */
    silt_opt_type type;
    const char *metavar;            /* shown in --help, e.g. "FILE" */
    const char *def;                /* default as text; NULL = no default */
    const char *range;              /* "min..max" for INT, DOUBLE and SIZE; NULL = any */
    const char *help;               /* one line */
    silt_opt_dest dest;             /* where the value goes */
    const silt_opt_choice *choices; /* SILT_OPT_CHOICE: the accepted words */
    silt_opt_dest given; /* optional bool member set when the option is on the command line */
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
 * validated against its type and range, then each option's value (as given, else its default;
 * zero / NULL / false without either) is stored through its spec entry's dest into `settings`,
 * the command's settings struct. Returns 0, or SILT_EINVAL with a message that names the option
 * and suggests the closest valid one. A spec entry without a destination, of another type than
 * its destination, or with a default that does not pass its own check is a programming error,
 * refused whatever the command line: SILT_EINVAL "internal: option --NAME: ...". */
int silt_opts_parse(silt_opts *out, const silt_opt_spec *spec, void *settings, int argc,
                    char **argv, int first, const char *pass_prefix, silt_error *err);

/* Parses a size such as "128M" or "64KiB" into bytes; 0 or -1. */
int silt_opt_parse_size(int64_t *out, const char *s);
/* Checks one value against a spec entry; returns 0 or SILT_EINVAL with a message. */
int silt_opt_check(const silt_opt_spec *s, const char *value, silt_error *err);

/* Prints "Usage: <usage>\n\n<description>\n\nOptions:\n" and one aligned line per option with
 * its metavar, help, default and range. */
void silt_opts_print_help(FILE *f, const char *usage, const char *description,
                          const silt_opt_spec *spec);

#endif
