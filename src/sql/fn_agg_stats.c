/* Variance and standard deviation (samp and pop, with Spark's aliases stddev, std, variance):
 * Welford's running mean and sum of squared deviations per group, merged with Chan et al.'s
 * pairwise formula, so partial states per batch combine without losing precision. The sample
 * forms give NULL for fewer than two values, as Spark 3.5 does. */
#include <math.h>

#include "sql/fn_agg.h"
#include "util/alloc.h"

typedef struct moments {
    double n, mean, m2;
} moments;
/* The engine lays group states out back to back: each keeps 8-byte alignment. */
_Static_assert(sizeof(moments) % 8 == 0, "group states keep 8-byte alignment");

enum { ST_VAR_SAMP, ST_VAR_POP, ST_STD_SAMP, ST_STD_POP };
static const int st_kinds[] = {ST_VAR_SAMP, ST_VAR_POP, ST_STD_SAMP, ST_STD_POP};

static int st_bind(silt_sql_fn_bind *b, int kind, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (!fn_is_numeric(t) && t != SILT_TYPE_STRING && t != 0)
        return fn_bad_args(err, name, b, "expected a numeric argument");
    if (t != SILT_TYPE_DOUBLE) fn_want(b, 0, SILT_TYPE_DOUBLE);
    b->agg_state_size = sizeof(moments);
    b->state = (void *)&st_kinds[kind];
    return fn_ret(b, SILT_TYPE_DOUBLE, err);
}

#define ST_BIND(fn, kind, name)                                                                    \
    static int fn(silt_sql_fn_bind *b, silt_error *err)                                            \
    {                                                                                              \
        return st_bind(b, kind, name, err);                                                        \
    }
ST_BIND(var_samp_bind, ST_VAR_SAMP, "var_samp")
ST_BIND(var_pop_bind, ST_VAR_POP, "var_pop")
ST_BIND(std_samp_bind, ST_STD_SAMP, "stddev_samp")
ST_BIND(std_pop_bind, ST_STD_POP, "stddev_pop")

static void st_init(void *bstate, void *st)
{
    memset(st, 0, sizeof(moments));
}

static int st_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                     const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    const silt_column *c = args->cols[0];
    const double *v = (const double *)c->values;
    bool k = args->is_const[0];
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t row = k ? 0 : r;
        if (!silt_column_is_valid(c, row)) continue;
        moments *m = fn_agg_state(states, stride, groups, r);
        double x = v[row], d = x - m->mean;
        m->n += 1;
        m->mean += d / m->n;
        m->m2 += d * (x - m->mean);
    }
    return 0;
}

static int st_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    moments *a = dst;
    const moments *b = src;
    if (b->n == 0) return 0;
    if (a->n == 0) {
        *a = *b;
        return 0;
    }
    double n = a->n + b->n, d = b->mean - a->mean;
    a->mean += d * b->n / n;
    a->m2 += b->m2 + d * d * a->n * b->n / n;
    a->n = n;
    return 0;
}

static int st_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                       int64_t n_groups, silt_error *err)
{
    int kind = *(const int *)bstate;
    bool samp = kind == ST_VAR_SAMP || kind == ST_STD_SAMP;
    for (int64_t g = 0; g < n_groups; g++) {
        const moments *m = (const moments *)(states + (size_t)g * stride);
        int rc;
        if (m->n == 0 || (samp && m->n < 2)) {
            rc = silt_column_append_null(out);
        } else {
            double var = m->m2 / (samp ? m->n - 1 : m->n);
            rc = silt_column_append_double(out, kind >= ST_STD_SAMP ? sqrt(var) : var);
        }
        if (rc) return FN_OOM(err);
    }
    return 0;
}

#define ST(name, bind, doc)                                                                        \
    {                                                                                              \
        name, 1, 1, bind, st_init, st_update, st_merge, st_finalize, NULL, NULL, doc               \
    }

const silt_sql_agg_fn silt_sql_agg_stats[] = {
    ST("var_samp", var_samp_bind,
       "var_samp(x) - sample variance of the non-NULL values; NULL for fewer than two. "
       "var_samp(col) over (1), (2), (3) -> 1.0"),
    ST("variance", var_samp_bind, "variance(x) - same as var_samp. variance(col) -> 1.0"),
    ST("var_pop", var_pop_bind,
       "var_pop(x) - population variance of the non-NULL values. var_pop(col) over (1), (2), (3) "
       "-> 0.6666666666666666"),
    ST("stddev_samp", std_samp_bind,
       "stddev_samp(x) - sample standard deviation; NULL for fewer than two values. "
       "stddev_samp(col) over (1), (2), (3) -> 1.0"),
    ST("stddev", std_samp_bind, "stddev(x) - same as stddev_samp. stddev(col) -> 1.0"),
    ST("std", std_samp_bind, "std(x) - same as stddev_samp. std(col) -> 1.0"),
    ST("stddev_pop", std_pop_bind,
       "stddev_pop(x) - population standard deviation. stddev_pop(col) over (1), (2), (3) -> "
       "0.816496580927726"),
    {0},
};
