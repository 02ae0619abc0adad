/* Test support for the SQL function tests (test_sql_fn_*.c): hand-built columns, and calls of
 * scalar and aggregate kernels through the registry the way the engine makes them. */
#ifndef TEST_SQL_FN_HARNESS_H
#define TEST_SQL_FN_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sql/fn.h"
#include "util/alloc.h"

#define MAXA 8

/* A column and its type, built by the helpers below. NULL entries are SQL NULLs. */
typedef struct tcol {
    silt_field f;
    silt_column c;
} tcol;

static inline void tcol_init(tcol *t, silt_type_id type)
{
    memset(t, 0, sizeof *t);
    assert_int_equal(silt_field_init(&t->f, "x", type, true), 0);
    if (type == SILT_TYPE_TIMESTAMP) t->f.tz_utc = true;
    assert_int_equal(silt_column_init(&t->c, &t->f), 0);
}

static inline void tcol_clear(tcol *t)
{
    silt_column_clear(&t->c);
    silt_field_clear(&t->f);
}

/* Integers (any integer, date or timestamp type); valid[i] false = NULL (valid may be NULL). */
static inline void tcol_ints(tcol *t, silt_type_id type, const int64_t *v, const bool *valid, int n)
{
    tcol_init(t, type);
    for (int i = 0; i < n; i++)
        assert_int_equal(valid && !valid[i] ? silt_column_append_null(&t->c)
                                            : silt_column_append_int(&t->c, v[i]),
                         0);
}

static inline void tcol_doubles(tcol *t, const double *v, const bool *valid, int n)
{
    tcol_init(t, SILT_TYPE_DOUBLE);
    for (int i = 0; i < n; i++)
        assert_int_equal(valid && !valid[i] ? silt_column_append_null(&t->c)
                                            : silt_column_append_double(&t->c, v[i]),
                         0);
}

/* Strings; a NULL pointer is a SQL NULL. */
static inline void tcol_strs(tcol *t, const char *const *v, int n)
{
    tcol_init(t, SILT_TYPE_STRING);
    for (int i = 0; i < n; i++)
        assert_int_equal(v[i] ? silt_column_append_bytes(&t->c, v[i], strlen(v[i]))
                              : silt_column_append_null(&t->c),
                         0);
}

static inline void tcol_decs(tcol *t, int p, int s, const int64_t *unscaled, const bool *valid,
                             int n)
{
    tcol_init(t, SILT_TYPE_DECIMAL);
    t->f.precision = p;
    t->f.scale = s;
    for (int i = 0; i < n; i++)
        assert_int_equal(valid && !valid[i] ? silt_column_append_null(&t->c)
                                            : silt_column_append_decimal_i64(&t->c, unscaled[i]),
                         0);
}

/* One string constant (a one-row column). */
static inline void tcol_str1(tcol *t, const char *s)
{
    const char *v[1] = {s};
    tcol_strs(t, v, 1);
}
static inline void tcol_int1(tcol *t, silt_type_id type, int64_t v)
{
    tcol_ints(t, type, &v, NULL, 1);
}

/* Casts t in place to the type `want` asks for, for the few casts the tests need: numbers to
 * double, integers to a wider integer. Fails the test on anything else. */
static inline void tcol_cast(tcol *t, const silt_field *want)
{
    if (want->type == 0 || (want->type == t->f.type && want->type != SILT_TYPE_DECIMAL)) return;
    tcol n;
    tcol_init(&n, want->type);
    n.f.precision = n.c.type == SILT_TYPE_DECIMAL ? want->precision : 0;
    n.f.scale = n.c.type == SILT_TYPE_DECIMAL ? want->scale : 0;
    for (int64_t i = 0; i < t->c.length; i++) {
        if (!silt_column_is_valid(&t->c, i)) {
            assert_int_equal(silt_column_append_null(&n.c), 0);
        } else if (want->type == SILT_TYPE_DOUBLE) {
            double d = t->f.type == SILT_TYPE_FLOAT ? ((float *)t->c.values)[i]
                                                    : (double)silt_column_get_int(&t->c, i);
            assert_int_equal(silt_column_append_double(&n.c, d), 0);
        } else if (want->type >= SILT_TYPE_INT8 && want->type <= SILT_TYPE_INT64 &&
                   t->f.type >= SILT_TYPE_INT8 && t->f.type <= SILT_TYPE_INT64) {
            assert_int_equal(silt_column_append_int(&n.c, silt_column_get_int(&t->c, i)), 0);
        } else if (want->type == SILT_TYPE_DECIMAL) {
            __int128 v;
            if (t->f.type == SILT_TYPE_DECIMAL)
                memcpy(&v, t->c.values + i * 16, 16);
            else
                v = silt_column_get_int(&t->c, i);
            for (int k = t->f.type == SILT_TYPE_DECIMAL ? t->f.scale : 0; k < want->scale; k++)
                v *= 10;
            uint8_t le[16];
            memcpy(le, &v, 16);
            assert_int_equal(silt_column_append_decimal(&n.c, le), 0);
        } else {
            fail_msg("test harness cannot cast %d to %d", t->f.type, want->type);
        }
    }
    tcol_clear(t);
    *t = n;
}

/* Calls scalar `name` on args (is_const: which are one-row constants) over n rows; the result
 * goes to out (initialised here; the caller clears it). Returns eval's (or bind's) code. */
static inline int call_scalar(tcol *out, const char *name, tcol **args, const bool *is_const,
                              int n_args, int64_t n_rows, silt_error *err)
{
    const silt_sql_scalar_fn *fn = silt_sql_scalar_find(name);
    if (!fn) fail_msg("no scalar %s", name);
    const silt_field *types[MAXA];
    const silt_column *consts[MAXA], *cols[MAXA];
    silt_field want[MAXA];
    memset(want, 0, sizeof want);
    for (int i = 0; i < n_args; i++) {
        types[i] = &args[i]->f;
        consts[i] = is_const && is_const[i] ? &args[i]->c : NULL;
    }
    silt_sql_fn_bind b = {.n_args = (size_t)n_args,
                          .arg_types = types,
                          .const_args = consts,
                          .now_us = 1700000000000000LL,
                          .want = want};
    int rc = fn->bind(&b, err);
    if (rc != 0) return rc;
    for (int i = 0; i < n_args; i++) {
        tcol_cast(args[i], &want[i]);
        types[i] = &args[i]->f;
        cols[i] = &args[i]->c;
        silt_field_clear(&want[i]);
    }
    bool k[MAXA] = {false};
    for (int i = 0; i < n_args; i++) k[i] = is_const && is_const[i];
    silt_sql_fn_args a = {.n = (size_t)n_args, .cols = cols, .is_const = k, .types = types};
    memset(out, 0, sizeof *out);
    out->f = b.ret;
    assert_int_equal(silt_column_init(&out->c, &out->f), 0);
    rc = fn->eval(b.state, &out->c, &a, n_rows, err);
    if (rc == 0) assert_int_equal(out->c.length, n_rows);
    if (fn->free_state) fn->free_state(b.state);
    return rc;
}

/* When set, call_agg passes arguments after the first as one-row constants. */
static bool agg_const_tail;

/* Calls aggregate `name` over args with rows split in two batches whose partial states are
 * merged (so merge is always exercised), groups[r] the group of row r (NULL: one group). */
static inline int call_agg(tcol *out, const char *name, bool distinct, tcol **args, int n_args,
                           int64_t n_rows, const uint32_t *groups, int64_t n_groups,
                           silt_error *err)
{
    const silt_sql_agg_fn *fn = silt_sql_agg_find(name);
    if (!fn) fail_msg("no aggregate %s", name);
    const silt_field *types[MAXA];
    const silt_column *consts[MAXA] = {NULL}, *cols[MAXA];
    silt_field want[MAXA];
    memset(want, 0, sizeof want);
    for (int i = 0; i < n_args; i++) {
        types[i] = &args[i]->f;
        consts[i] = agg_const_tail && i > 0 ? &args[i]->c : NULL;
    }
    silt_sql_fn_bind b = {.n_args = (size_t)n_args,
                          .arg_types = types,
                          .const_args = consts,
                          .distinct = distinct,
                          .want = want};
    int rc = fn->bind(&b, err);
    if (rc != 0) return rc;
    for (int i = 0; i < n_args; i++) {
        tcol_cast(args[i], &want[i]);
        types[i] = &args[i]->f;
        cols[i] = &args[i]->c;
        silt_field_clear(&want[i]);
    }
    size_t stride = b.agg_state_size; /* as the engine lays states out: no padding */
    uint8_t *a = silt_calloc((size_t)n_groups, stride), *c = silt_calloc((size_t)n_groups, stride);
    for (int64_t g = 0; g < n_groups; g++) {
        fn->init(b.state, a + g * stride);
        fn->init(b.state, c + g * stride);
    }
    bool k[MAXA] = {false};
    for (int i = 1; agg_const_tail && i < n_args; i++) k[i] = true;
    int64_t half = n_rows / 2;
    /* first half into a, second half into c, then c merged into a */
    const silt_column *cols2[MAXA];
    silt_column slices[MAXA];
    for (int i = 0; i < n_args; i++) {
        assert_int_equal(silt_column_init(&slices[i], &args[i]->f), 0);
        if (k[i])
            assert_int_equal(silt_column_append_range(&slices[i], cols[i], 0, 1), 0);
        else
            assert_int_equal(silt_column_append_range(&slices[i], cols[i], half, n_rows - half), 0);
        cols2[i] = &slices[i];
    }
    silt_sql_fn_args a1 = {.n = (size_t)n_args, .cols = cols, .is_const = k, .types = types};
    silt_sql_fn_args a2 = {.n = (size_t)n_args, .cols = cols2, .is_const = k, .types = types};
    rc = fn->update(b.state, a, stride, groups, &a1, half, err);
    if (rc == 0)
        rc = fn->update(b.state, c, stride, groups ? groups + half : NULL, &a2, n_rows - half, err);
    for (int64_t g = 0; rc == 0 && g < n_groups; g++)
        rc = fn->merge(b.state, a + g * stride, c + g * stride, err);
    memset(out, 0, sizeof *out);
    out->f = b.ret;
    assert_int_equal(silt_column_init(&out->c, &out->f), 0);
    if (rc == 0) rc = fn->finalize(b.state, &out->c, a, stride, n_groups, err);
    for (int64_t g = 0; g < n_groups; g++) {
        if (fn->destroy) fn->destroy(b.state, a + g * stride);
        if (fn->destroy) fn->destroy(b.state, c + g * stride);
    }
    for (int i = 0; i < n_args; i++) silt_column_clear(&slices[i]);
    silt_free(a);
    silt_free(c);
    if (fn->free_state) fn->free_state(b.state);
    return rc;
}

/* Checks row i of a result. */
static inline void want_null(const tcol *t, int64_t i)
{
    assert_false(silt_column_is_valid(&t->c, i));
}
static inline void want_int(const tcol *t, int64_t i, int64_t v)
{
    assert_true(silt_column_is_valid(&t->c, i));
    assert_int_equal(silt_column_get_int(&t->c, i), v);
}
static inline void want_bool(const tcol *t, int64_t i, bool v)
{
    assert_true(silt_column_is_valid(&t->c, i));
    assert_int_equal(silt_bit_get(t->c.values, i), v);
}
static inline void want_double(const tcol *t, int64_t i, double v)
{
    assert_true(silt_column_is_valid(&t->c, i));
    double got =
        t->c.type == SILT_TYPE_FLOAT ? ((float *)t->c.values)[i] : ((double *)t->c.values)[i];
    if (isnan(v)) {
        assert_true(isnan(got));
        return;
    }
    if (fabs(got - v) > 1e-9 * fmax(1, fabs(v)))
        fail_msg("row %ld: got %.17g, want %.17g", (long)i, got, v);
}
static inline void want_str(const tcol *t, int64_t i, const char *s)
{
    assert_true(silt_column_is_valid(&t->c, i));
    size_t len;
    const uint8_t *p = silt_column_bytes(&t->c, i, &len);
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)len, (const char *)p);
    assert_string_equal(buf, s);
}
/* Decimal result as unscaled int64 with the given scale checked. */
static inline void want_dec(const tcol *t, int64_t i, int64_t unscaled, int p, int s)
{
    assert_true(silt_column_is_valid(&t->c, i));
    assert_int_equal(t->f.precision, p);
    assert_int_equal(t->f.scale, s);
    __int128 v;
    memcpy(&v, t->c.values + i * 16, 16);
    assert_true(v == unscaled);
}
static inline void want_type(const tcol *t, const char *name)
{
    char buf[128];
    assert_string_equal(silt_sql_type_format(buf, sizeof buf, &t->f), name);
}

#endif
