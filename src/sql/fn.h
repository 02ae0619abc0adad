/* The SQL engine's function interface: scalar functions and aggregates are vectorized kernels
 * over silt_column vectors, found by name in one registry (fn_registry.c). The binder calls a
 * function's bind once per call site when a plan is prepared; the executor calls eval (or the
 * aggregate callbacks) once per batch with whole column vectors. */
#ifndef SILT_SQL_FN_H
#define SILT_SQL_FN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "util/error.h"

/* SQL types are silt_field descriptors (the name is unused): type id, precision/scale for
 * decimals, tz_utc for timestamp (true) vs timestamp_ntz (false), children for struct, array
 * (one child "element") and map (one child "key_value" with "key" and "value"). */

/* What bind sees and fills in for one call site. */
typedef struct silt_sql_fn_bind {
    /* in */
    size_t n_args;
    const silt_field *const *arg_types; /* argument types as bound */
    /* For each argument: its value when it is a constant (a literal or a folded constant
     * expression), as a one-row column of arg_types[i]; NULL when it varies per row. */
    const silt_column *const *const_args;
    int64_t now_us; /* the statement's timestamp (current_date, current_timestamp) */
    bool distinct;  /* aggregates: called as f(DISTINCT ...) */
    /* out */
    silt_field ret;   /* result type: bind must initialise it (silt_field_init...) */
    silt_field *want; /* n_args entries, zero-initialised (type 0 = keep the argument as it is);
                         bind sets an entry to ask the binder to cast that argument first
                         (Spark's implicit casts); the binder re-runs nothing after this */
    void *state;      /* per-call-site state (compiled regex, parsed format, schema), owned by
                         the call site and released with free_state */
    size_t agg_state_size; /* aggregates: bytes of one group's state */
} silt_sql_fn_bind;

/* The arguments of one evaluation. Every argument column is either n_rows long, or one row long
 * with is_const[i] set (its row 0 applies to every row). */
typedef struct silt_sql_fn_args {
    size_t n;
    const silt_column *const *cols;
    const bool *is_const;
    const silt_field *const *types; /* after the casts bind asked for */
} silt_sql_fn_args;

/* Row index into argument i for row r. */
static inline int64_t silt_sql_arg_row(const silt_sql_fn_args *a, size_t i, int64_t r)
{
    return a->is_const[i] ? 0 : r;
}

/* A scalar function. bind returns 0, or SILT_EINVAL with a message naming the function and the
 * argument types it cannot take (e.g. "upper(int): expected a string argument"), or SILT_ENOMEM.
 * eval appends exactly n_rows values to out (a column already initialised for the result type
 * and empty) and returns 0, SILT_ENOMEM, or another error with a message (Spark non-ANSI
 * semantics: a value a function cannot compute is NULL, not an error, wherever Spark says so).
 * eval must not keep pointers into args after it returns. */
typedef struct silt_sql_scalar_fn {
    const char *name; /* lower case */
    int min_args;
    int max_args; /* -1: any number */
    int (*bind)(silt_sql_fn_bind *b, silt_error *err);
    int (*eval)(void *state, silt_column *out, const silt_sql_fn_args *args, int64_t n_rows,
                silt_error *err);
    void (*free_state)(void *state); /* may be NULL */
    const char *doc;                 /* one line: "upper(str) - str in upper case" */
} silt_sql_scalar_fn;

/* An aggregate. States live in caller-owned memory, agg_state_size bytes per group (bind sets
 * it), at states + g * stride for group g. Anything a state allocates (a distinct set, a
 * HyperLogLog sketch) is released by destroy. States can be merged, so partial aggregates per
 * batch (or per thread) combine into a running result. */
typedef struct silt_sql_agg_fn {
    const char *name;
    int min_args;
    int max_args;
    int (*bind)(silt_sql_fn_bind *b, silt_error *err);
    void (*init)(void *bstate, void *st);
    /* Row r of args goes to the group groups[r] (groups may be NULL: every row to group 0). */
    int (*update)(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                  const silt_sql_fn_args *args, int64_t n_rows, silt_error *err);
    /* dst += src (both initialised states of this call site). */
    int (*merge)(void *bstate, void *dst, const void *src, silt_error *err);
    /* Appends the result of groups 0..n_groups-1 to out. */
    int (*finalize)(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                    int64_t n_groups, silt_error *err);
    void (*destroy)(void *bstate, void *st); /* may be NULL */
    void (*free_state)(void *state);         /* may be NULL */
    const char *doc;
} silt_sql_agg_fn;

/* The registry (fn_registry.c). Names are matched case-insensitively. NULL when unknown. */
const silt_sql_scalar_fn *silt_sql_scalar_find(const char *name);
const silt_sql_agg_fn *silt_sql_agg_find(const char *name);
/* The known function name closest to name (for "did you mean"), or NULL. */
const char *silt_sql_fn_suggest(const char *name);
/* Calls f for every registered function (scalars then aggregates), e.g. for docs or --help. */
void silt_sql_fn_each(void (*f)(void *arg, const char *name, const char *doc, bool aggregate),
                      void *arg);

/* SQL type names as Spark prints them (typename.c): boolean, tinyint, smallint, int, bigint,
 * float, double, decimal(p,s), string, binary, date, timestamp, timestamp_ntz,
 * struct<a:int,b:string>, array<int>, map<string,int>. Writes at most cap bytes (always
 * NUL-terminated) and returns out. */
char *silt_sql_type_format(char *out, size_t cap, const silt_field *t);
/* Parses a type name as Spark's DDL accepts it (case-insensitive; int/integer, long/bigint,
 * short/smallint, byte/tinyint, real/float, dec/decimal/numeric, varchar(n)/char(n) as string,
 * struct<...>, array<...>, map<...,...>). Fills *out (name set to "") and returns 0, or
 * SILT_EINVAL with a message pointing at the offending position. */
int silt_sql_type_parse(silt_field *out, const char *text, silt_error *err);
/* Parses a DDL schema 'a INT, b STRING NOT NULL, c STRUCT<x: DOUBLE>' (what from_json takes)
 * into *out (owned), or SILT_EINVAL with the position. */
int silt_sql_ddl_parse(silt_schema **out, const char *text, silt_error *err);

#endif
