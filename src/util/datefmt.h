/* Date and time text to numbers: ISO 8601 by default, or a pattern in the letters Spark's
 * to_date / to_timestamp use (yyyy-MM-dd HH:mm:ss.SSSXXX, M/d/yyyy, ...), compiled once and
 * applied to many values. */
#ifndef SILT_UTIL_DATEFMT_H
#define SILT_UTIL_DATEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define SILT_DATEFMT_MAX_ITEMS 32

/* A compiled pattern. Plain data: copy freely, nothing to free. */
typedef struct silt_datefmt {
    bool iso; /* no pattern: ISO 8601 (see silt_datefmt_parse) */
    int n;
    struct silt_datefmt_item {
        char kind;   /* 'y','M','d','H','h','m','s','S','a','X' (offset), 'L' (literal) */
        int width;   /* letters repeated: 1 = 1..max digits, else exactly that many (S: 1..9) */
        char lit[8]; /* 'L': the literal text, NUL-terminated */
    } items[SILT_DATEFMT_MAX_ITEMS];
} silt_datefmt;

/* Compiles pattern (NULL or "" = ISO 8601). Letters: y (year; yy = 2000 + two digits),
 * M (month), d (day), H (hour 0-23), h (hour 1-12) with a (AM/PM), m, s, S (fraction of a
 * second, up to 9 digits), X or Z (offset: Z, +hh, +hhmm, +hh:mm), text in single quotes
 * ('T'; '' is a quote), any other non-letter character stands for itself. Returns 0, or
 * SILT_EINVAL with a message naming the letter silt does not know. */
int silt_datefmt_compile(silt_datefmt *out, const char *pattern, silt_error *err);

/* Parses the whole of s (len bytes) with fmt. ISO 8601 is yyyy-MM-dd, optionally followed by
 * 'T' or ' ' and HH:mm[:ss[.fraction]] and an offset (Z, +hh:mm, +hhmm, +hh). Fields not in
 * the text are zero (month and day: 1). *out_secs = seconds since 1970-01-01T00:00:00, shifted
 * to UTC when the text has an offset (*out_has_offset, may be NULL, says whether it had),
 * *out_nanos = the fraction of that second (0..999999999). Returns 0, or SILT_ECORRUPT with a
 * short reason in *why (why may be NULL) when the text does not match or names a date that
 * does not exist (February 30th). Years run 0..294000. */
int silt_datefmt_parse(int64_t *out_secs, int32_t *out_nanos, bool *out_has_offset,
                       const silt_datefmt *fmt, const char *s, size_t len, const char **why);

#endif
