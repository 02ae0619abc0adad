/* Private to fn_regex.c and fn_split.c: regular expressions through PCRE2 with Java's
 * Matcher.find iteration, compiled once per call site when the pattern is a constant, else
 * once per distinct pattern met in a batch (a one-entry cache). */
#ifndef SILT_SQL_FN_RE_H
#define SILT_SQL_FN_RE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sql/fn_util.h"
#include "util/buf.h"

typedef struct fn_re {
    pcre2_code *code; /* NULL: none compiled */
    pcre2_match_data *md;
    char *text; /* the pattern it was compiled from (owned) */
    size_t len;
    uint32_t groups; /* capture groups */
} fn_re;

/* Compiles pattern (len bytes) into re, replacing what it held; keeps it when it is the same
 * text. Returns 0, SILT_ENOMEM, or SILT_EINVAL with PCRE2's message and the offset. */
int fn_re_compile(fn_re *re, const uint8_t *pattern, size_t len, silt_error *err);
void fn_re_clear(fn_re *re);

/* The next match in s[0..n) at or after *pos, as Java's Matcher.find: returns 1 and sets
 * *start, *end (then *pos moves past the match, one character further for an empty one), 0
 * when there is none, or a negative SILT_E* when matching fails (resource limits). */
int fn_re_next(fn_re *re, const uint8_t *s, size_t n, size_t *pos, size_t *start, size_t *end);

/* Byte offsets of group g of the last match, false when it did not take part. */
bool fn_re_group(const fn_re *re, uint32_t g, size_t *start, size_t *end);

/* The site of a regular-expression function: the pattern compiled in bind when constant. */
typedef struct fn_re_site {
    fn_re re;
    bool constant;  /* re holds the constant pattern */
    size_t pat_arg; /* argument index of the pattern */
    void *extra;    /* function-specific (regexp_replace's parsed replacement) */
    void (*free_extra)(void *);
} fn_re_site;

/* Binds a regex function: checks string arguments, compiles a constant pattern (arg pat_arg),
 * sets b->state to a new fn_re_site and the result type ret. */
int fn_re_bind(silt_sql_fn_bind *b, const char *name, size_t pat_arg, silt_type_id ret,
               silt_error *err);
void fn_re_site_free(void *state);
/* The compiled pattern for row r: the constant one, or the row's (compiled into cache).
 * NULL when the row's pattern does not compile (the function then gives NULL). */
fn_re *fn_re_for_row(fn_re_site *s, fn_re *cache, const silt_sql_fn_args *a, int64_t r);

#endif
