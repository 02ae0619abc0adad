/* Private helpers shared by the function families (fn_*.c): type tests, reading one value of a
 * column whatever its width, the family tables the registry merges, and bind shortcuts. */
#ifndef SILT_SQL_FN_UTIL_H
#define SILT_SQL_FN_UTIL_H

#include <string.h>

#include "sql/fn.h"

/* The family tables, one per fn_*.c file, each ended by an entry whose name is NULL; merged
 * by fn_registry.c (which lists the families). */
extern const silt_sql_scalar_fn silt_sql_fn_math[];
extern const silt_sql_scalar_fn silt_sql_fn_cond[];
extern const silt_sql_scalar_fn silt_sql_fn_string[];
extern const silt_sql_scalar_fn silt_sql_fn_concat[];
extern const silt_sql_scalar_fn silt_sql_fn_regex[];
extern const silt_sql_scalar_fn silt_sql_fn_date[];
extern const silt_sql_scalar_fn silt_sql_fn_date_format[];
extern const silt_sql_scalar_fn silt_sql_fn_date_trunc[];
extern const silt_sql_scalar_fn silt_sql_fn_json[];
extern const silt_sql_scalar_fn silt_sql_fn_collection[];
extern const silt_sql_scalar_fn silt_sql_fn_date_more[];
extern const silt_sql_scalar_fn silt_sql_fn_hash[];
extern const silt_sql_agg_fn silt_sql_agg_sum[];
extern const silt_sql_agg_fn silt_sql_agg_minmax[];
extern const silt_sql_agg_fn silt_sql_agg_stats[];
extern const silt_sql_agg_fn silt_sql_agg_hll[];
extern const silt_sql_agg_fn silt_sql_agg_bool[];
extern const silt_sql_agg_fn silt_sql_agg_collect[];

/* An int128 that may sit at any 8-byte boundary inside an aggregate state. */
typedef __int128 fn_i128 __attribute__((aligned(8)));

static inline bool fn_is_int(silt_type_id t)
{
    return t >= SILT_TYPE_INT8 && t <= SILT_TYPE_INT64;
}
static inline bool fn_is_float(silt_type_id t)
{
    return t == SILT_TYPE_FLOAT || t == SILT_TYPE_DOUBLE;
}
static inline bool fn_is_numeric(silt_type_id t)
{
    return fn_is_int(t) || fn_is_float(t) || t == SILT_TYPE_DECIMAL;
}
static inline bool fn_is_text(silt_type_id t)
{
    return t == SILT_TYPE_STRING || t == SILT_TYPE_BINARY;
}

/* Integer value of row i of an INT8..INT64, DATE32, TIMESTAMP* or BOOL column. */
static inline int64_t fn_get_i64(const silt_column *c, int64_t i)
{
    switch (c->type) {
    case SILT_TYPE_INT8: return ((const int8_t *)c->values)[i];
    case SILT_TYPE_INT16: return ((const int16_t *)c->values)[i];
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32: return ((const int32_t *)c->values)[i];
    case SILT_TYPE_BOOL: return silt_bit_get(c->values, i);
    default: return ((const int64_t *)c->values)[i];
    }
}

/* Unscaled value of row i of a DECIMAL column. */
static inline __int128 fn_get_dec(const silt_column *c, int64_t i)
{
    __int128 v;
    memcpy(&v, c->values + (size_t)i * 16, 16);
    return v;
}

/* Value of row i of a numeric column as a double (decimals divided by 10^scale). */
double fn_get_double(const silt_column *c, int32_t scale, int64_t i);

/* 10^n as an int128, n in 0..38. */
__int128 fn_pow10(int n);
/* True when |v| has more than p digits. */
bool fn_dec_overflows(__int128 v, int p);
/* v / d rounded half away from zero (d > 0). */
__int128 fn_div_round(__int128 v, __int128 d);
/* Appends an int128 decimal value; NULL when it overflows p digits (Spark non-ANSI). */
int fn_append_dec(silt_column *out, __int128 v, int p);

/* Initialises b->ret as a leaf type; returns 0 or SILT_ENOMEM with a message. */
int fn_ret(silt_sql_fn_bind *b, silt_type_id t, silt_error *err);
/* Sets b->ret to a copy of t (nullable). */
int fn_ret_copy(silt_sql_fn_bind *b, const silt_field *t, silt_error *err);
/* Sets b->ret to decimal(p,s). */
int fn_ret_dec(silt_sql_fn_bind *b, int p, int s, silt_error *err);
/* Asks the binder to cast argument i to type t (a leaf type). */
void fn_want(silt_sql_fn_bind *b, size_t i, silt_type_id t);
/* Ends a bind: on failure (rc != 0) releases what it had set up (b->state with free_state,
 * b->ret, the casts asked for in b->want), since the caller keeps nothing of a failed bind.
 * Returns rc. */
int fn_bind_done(silt_sql_fn_bind *b, int rc, void (*free_state)(void *));
/* Formats "name(type, type)" for messages into out. */
const char *fn_sig(char *out, size_t cap, const char *name, const silt_sql_fn_bind *b);
/* SILT_EINVAL: "name(types): what". */
int fn_bad_args(silt_error *err, const char *name, const silt_sql_fn_bind *b, const char *what);

/* Result type of combining two types as Spark's implicit widening does (numbers widen, a string
 * with anything is a string, NULL-typed arguments give the other); false if there is none. */
bool fn_wider(silt_field *out, const silt_field *a, const silt_field *b);

/* The bytes of row r of a string argument. */
static inline const uint8_t *fn_str(const silt_sql_fn_args *a, size_t i, int64_t r, size_t *len)
{
    const silt_column *c = a->cols[i];
    int64_t row = silt_sql_arg_row(a, i, r);
    *len = (size_t)(c->offsets[row + 1] - c->offsets[row]);
    return *len ? c->values + c->offsets[row] : (const uint8_t *)"";
}
/* Whether row r of argument i is valid. */
static inline bool fn_valid(const silt_sql_fn_args *a, size_t i, int64_t r)
{
    return silt_column_is_valid(a->cols[i], silt_sql_arg_row(a, i, r));
}
/* Whether every argument of row r is valid. */
static inline bool fn_all_valid(const silt_sql_fn_args *a, int64_t r)
{
    for (size_t i = 0; i < a->n; i++)
        if (!fn_valid(a, i, r)) return false;
    return true;
}

#define FN_OOM(err) silt_error_set(err, SILT_ENOMEM, "out of memory in a SQL function")

/* Spark's order of two values of the same leaf type (after unification): integers, dates and
 * timestamps numerically, doubles with NaN above everything and -0.0 = 0.0, decimals of one
 * scale, strings and binary bytewise. Returns <0, 0, >0. */
int fn_value_cmp(const silt_column *a, int64_t i, const silt_column *b, int64_t j);

/* Unifies the types of arguments [from, to) for functions whose arguments must share one
 * type (coalesce, greatest, if): sets ret to the common type and asks for casts. Returns 0, or
 * SILT_EINVAL naming the function and the types. */
int fn_unify(silt_sql_fn_bind *b, size_t from, size_t to, const char *name, silt_error *err);

/* Appends row `row` of c (any type, nested too) to out. */
static inline int fn_copy_value(silt_column *out, const silt_column *c, int64_t row)
{
    return silt_column_append_range(out, c, row, 1);
}

#endif
