/* Arithmetic functions with Spark's types and rounding: abs, round (HALF_UP on the decimal
 * text of a double, as Spark's BigDecimal does), floor, ceil, pow, sqrt, exp, ln, log, log10,
 * log2, mod, pmod, sign. Out-of-domain arguments (ln of 0, mod by 0) give NULL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sql/fn_util.h"
#include "util/alloc.h"

/* ---- abs ---- */

static int abs_bind(silt_sql_fn_bind *b, silt_error *err)
{
    const silt_field *t = b->arg_types[0];
    if (t->type == SILT_TYPE_STRING || t->type == 0) {
        fn_want(b, 0, SILT_TYPE_DOUBLE);
        return fn_ret(b, SILT_TYPE_DOUBLE, err);
    }
    if (!fn_is_numeric(t->type)) return fn_bad_args(err, "abs", b, "expected a numeric argument");
    return fn_ret_copy(b, t, err);
}

static int abs_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    const silt_column *c = a->cols[0];
    for (int64_t r = 0; r < n; r++) {
        int64_t i = silt_sql_arg_row(a, 0, r);
        int rc;
        if (!silt_column_is_valid(c, i)) {
            rc = silt_column_append_null(out);
        } else if (c->type == SILT_TYPE_DOUBLE || c->type == SILT_TYPE_FLOAT) {
            double d = fabs(fn_get_double(c, 0, i));
            rc = c->type == SILT_TYPE_FLOAT ? silt_column_append_float(out, (float)d)
                                            : silt_column_append_double(out, d);
        } else if (c->type == SILT_TYPE_DECIMAL) {
            __int128 v = fn_get_dec(c, i);
            uint8_t le[16];
            v = v < 0 ? -v : v;
            memcpy(le, &v, 16);
            rc = silt_column_append_decimal(out, le);
        } else {
            int64_t v = fn_get_i64(c, i);
            rc = silt_column_append_int(out, v < 0 ? (int64_t)(0 - (uint64_t)v) : v);
        }
        if (rc) return FN_OOM(err);
    }
    return 0;
}

/* ---- round ---- */

typedef struct round_site {
    int d;      /* decimal places (negative: tens, hundreds...) */
    int in_s;   /* decimal input scale */
    int out_p;  /* decimal result precision */
    bool floor; /* floor / ceil instead of round */
    bool ceil;
} round_site;

/* Rounds v half up (away from zero) to d decimal places on its shortest decimal text. */
static double round_double(double v, int d)
{
    if (!isfinite(v) || d > 300) return v;
    if (d >= 0 && d <= 15) { /* fast: far from a tie, scaling decides as the text would */
        double p = (double)fn_pow10(d), x = fabs(v) * p;
        if (x < 8e12) {
            double f = floor(x), frac = x - f;
            /* x is within an ulp or two of |v| * 10^d; a decimal text that ends in 5 at the
             * rounding digit is within that of a tie too: such cases take the text path */
            if (fabs(frac - 0.5) > x * 4.5e-16 + 1e-300) {
                double q = (frac > 0.5 ? f + 1 : f) / p; /* exact / exact: correctly rounded */
                return v < 0 && q != 0 ? -q : q;
            }
        }
    }
    char buf[40];
    int prec = 1;
    for (; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v) break;
    }
    /* buf: [-]D[.DDD]e[+-]XX */
    char digits[20];
    int nd = 0, e;
    const char *p = buf + (buf[0] == '-');
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    e = atoi(p + 1);
    int keep = e + 1 + d; /* digits at or above 10^-d */
    if (keep >= nd) return v;
    long long q = 0;
    for (int i = 0; i < keep; i++) q = q * 10 + (digits[i] - '0');
    if (keep >= 0 && digits[keep] >= '5') q++;
    if (keep < 0) q = 0;
    if (q == 0) return 0.0; /* BigDecimal has no negative zero */
    snprintf(buf, sizeof buf, "%s%llde%d", v < 0 ? "-" : "", q, -d);
    return strtod(buf, NULL);
}

/* x rounded to a multiple of m (m > 0): half up, or floor, or ceil. */
static __int128 round_to(__int128 x, __int128 m, const round_site *s)
{
    __int128 q = x / m, r = x % m;
    if (s->floor && r < 0)
        q--;
    else if (s->ceil && r > 0)
        q++;
    else if (!s->floor && !s->ceil)
        q = fn_div_round(x, m);
    return q;
}

static int round_bind_common_impl(silt_sql_fn_bind *b, bool fl, bool ce, const char *name,
                                  silt_error *err)
{
    const silt_field *t = b->arg_types[0];
    round_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    s->floor = fl;
    s->ceil = ce;
    if (b->n_args > 1) {
        const silt_column *k = b->const_args[1];
        if (!k || !fn_is_int(b->arg_types[1]->type))
            return fn_bad_args(err, name, b, "the scale must be a constant integer");
        s->d = silt_column_is_valid(k, 0) ? (int)fn_get_i64(k, 0) : 0;
    }
    if (t->type == SILT_TYPE_STRING || t->type == 0) {
        fn_want(b, 0, SILT_TYPE_DOUBLE);
        return fn_ret(b, fl || ce ? SILT_TYPE_INT64 : SILT_TYPE_DOUBLE, err);
    }
    if (!fn_is_numeric(t->type)) return fn_bad_args(err, name, b, "expected a numeric argument");
    if (t->type == SILT_TYPE_DECIMAL) {
        int ip = t->precision - t->scale + 1;
        s->in_s = t->scale;
        if (fl || ce) s->d = 0;
        int os = s->d < 0 ? 0 : (s->d < t->scale ? s->d : t->scale);
        int op = s->d < 0 ? (ip > 1 - s->d ? ip : 1 - s->d) : ip + os;
        s->out_p = op > 38 ? 38 : op;
        return fn_ret_dec(b, s->out_p, os, err);
    }
    if (fl || ce) return fn_ret(b, SILT_TYPE_INT64, err);
    return fn_ret_copy(b, t, err);
}

static int round_bind_common(silt_sql_fn_bind *b, bool fl, bool ce, const char *name,
                             silt_error *err)
{
    return fn_bind_done(b, round_bind_common_impl(b, fl, ce, name, err), silt_free);
}

static int round_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return round_bind_common(b, false, false, "round", err);
}
static int floor_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return round_bind_common(b, true, false, "floor", err);
}
static int ceil_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return round_bind_common(b, false, true, "ceil", err);
}

/* A double to bigint as the JVM converts: NaN 0, saturating at the ends. */
static int64_t jvm_long(double d)
{
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

static int round_one(const round_site *s, silt_column *out, const silt_column *c, int64_t i)
{
    if (c->type == SILT_TYPE_DECIMAL) {
        __int128 v = fn_get_dec(c, i);
        if (s->d >= s->in_s) return fn_append_dec(out, v, s->out_p);
        __int128 m = fn_pow10(s->in_s - s->d), q = round_to(v, m, s);
        if (s->d < 0) q *= fn_pow10(-s->d);
        return fn_append_dec(out, q, s->out_p);
    }
    if (fn_is_float(c->type)) {
        double v = fn_get_double(c, 0, i);
        if (s->floor) return silt_column_append_int(out, jvm_long(floor(v)));
        if (s->ceil) return silt_column_append_int(out, jvm_long(ceil(v)));
        v = round_double(v, s->d);
        return c->type == SILT_TYPE_FLOAT ? silt_column_append_float(out, (float)v)
                                          : silt_column_append_double(out, v);
    }
    int64_t v = fn_get_i64(c, i);
    if (s->d >= 0 || s->floor || s->ceil) return silt_column_append_int(out, v);
    if (s->d < -18) return silt_column_append_int(out, 0);
    __int128 m = fn_pow10(-s->d);
    return silt_column_append_int(out, (int64_t)(round_to(v, m, s) * m));
}

static int round_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    const silt_column *c = a->cols[0];
    for (int64_t r = 0; r < n; r++) {
        int64_t i = silt_sql_arg_row(a, 0, r);
        int rc =
            silt_column_is_valid(c, i) ? round_one(state, out, c, i) : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

/* ---- functions of doubles ---- */

typedef double (*dbl_op)(double x, double y, bool *null);

static double op_pow(double x, double y, bool *null)
{
    return pow(x, y);
}
static double op_sqrt(double x, double y, bool *null)
{
    return sqrt(x);
}
static double op_exp(double x, double y, bool *null)
{
    return exp(x);
}
static double op_ln(double x, double y, bool *null)
{
    *null = x <= 0;
    return log(x);
}
static double op_log10(double x, double y, bool *null)
{
    *null = x <= 0;
    return log10(x);
}
static double op_log2(double x, double y, bool *null)
{
    *null = x <= 0;
    return log2(x);
}
static double op_log(double base, double x, bool *null)
{
    *null = base <= 0 || x <= 0;
    return log(x) / log(base);
}
static double op_cbrt(double x, double y, bool *null)
{
    return cbrt(x);
}
static double op_sign(double x, double y, bool *null)
{
    return x != x ? x : (double)((x > 0) - (x < 0));
}

static const struct {
    const char *name;
    dbl_op op;
} dbl_ops[] = {
    {"pow", op_pow},   {"power", op_pow},   {"sqrt", op_sqrt},   {"exp", op_exp},
    {"ln", op_ln},     {"log10", op_log10}, {"log2", op_log2},   {"log", op_log},
    {"cbrt", op_cbrt}, {"sign", op_sign},   {"signum", op_sign},
};

static int dbl_bind_named(silt_sql_fn_bind *b, const char *name, silt_error *err)
{
    for (size_t i = 0; i < b->n_args; i++) {
        silt_type_id t = b->arg_types[i]->type;
        if (!fn_is_numeric(t) && t != SILT_TYPE_STRING && t != 0)
            return fn_bad_args(err, name, b, "expected numeric arguments");
        if (t != SILT_TYPE_DOUBLE) fn_want(b, i, SILT_TYPE_DOUBLE);
    }
    for (size_t k = 0; k < sizeof dbl_ops / sizeof dbl_ops[0]; k++)
        if (strcmp(dbl_ops[k].name, name) == 0) b->state = (void *)dbl_ops[k].op;
    return fn_ret(b, SILT_TYPE_DOUBLE, err);
}

#define DBL_BIND(fn, nm)                                                                           \
    static int fn(silt_sql_fn_bind *b, silt_error *err)                                            \
    {                                                                                              \
        if (strcmp(nm, "log") == 0 && b->n_args == 1) return dbl_bind_named(b, "ln", err);         \
        return dbl_bind_named(b, nm, err);                                                         \
    }
DBL_BIND(pow_bind, "pow")
DBL_BIND(sqrt_bind, "sqrt")
DBL_BIND(exp_bind, "exp")
DBL_BIND(ln_bind, "ln")
DBL_BIND(log10_bind, "log10")
DBL_BIND(log2_bind, "log2")
DBL_BIND(log_bind, "log")
DBL_BIND(cbrt_bind, "cbrt")
DBL_BIND(sign_bind, "sign")

static int dbl_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    dbl_op op = (dbl_op)state;
    const double *x = (const double *)a->cols[0]->values;
    const double *y = a->n > 1 ? (const double *)a->cols[1]->values : NULL;
    if (silt_column_reserve(out, n, 0) != 0) return FN_OOM(err);
    for (int64_t r = 0; r < n; r++) {
        if (!fn_all_valid(a, r)) {
            if (silt_column_append_null(out)) return FN_OOM(err);
            continue;
        }
        bool null = false;
        double v = op(x[silt_sql_arg_row(a, 0, r)], y ? y[silt_sql_arg_row(a, 1, r)] : 0, &null);
        if (null ? silt_column_append_null(out) : silt_column_append_double(out, v))
            return FN_OOM(err);
    }
    return 0;
}

/* ---- mod, pmod ---- */

static int mod_bind(silt_sql_fn_bind *b, silt_error *err)
{
    for (size_t i = 0; i < 2; i++)
        if (b->arg_types[i]->type == SILT_TYPE_STRING) fn_want(b, i, SILT_TYPE_DOUBLE);
    silt_field t0 = *b->arg_types[0], t1 = *b->arg_types[1];
    if (b->want[0].type) t0 = b->want[0];
    if (b->want[1].type) t1 = b->want[1];
    if ((!fn_is_numeric(t0.type) && t0.type) || (!fn_is_numeric(t1.type) && t1.type))
        return fn_bad_args(err, "mod", b, "expected numeric arguments");
    const silt_field *ts[2] = {&t0, &t1};
    silt_sql_fn_bind tmp = *b;
    tmp.arg_types = ts;
    int rc = fn_unify(&tmp, 0, 2, "mod", err);
    b->ret = tmp.ret;
    return rc;
}

static int mod_one(silt_column *out, const silt_column *x, int64_t i, const silt_column *y,
                   int64_t j, bool positive)
{
    if (fn_is_float(x->type)) {
        double a = fn_get_double(x, 0, i), b = fn_get_double(y, 0, j);
        if (b == 0) return silt_column_append_null(out);
        double m = fmod(a, b);
        if (positive && m < 0) m = fmod(m + b, b);
        return x->type == SILT_TYPE_FLOAT ? silt_column_append_float(out, (float)m)
                                          : silt_column_append_double(out, m);
    }
    __int128 a = x->type == SILT_TYPE_DECIMAL ? fn_get_dec(x, i) : fn_get_i64(x, i);
    __int128 b = y->type == SILT_TYPE_DECIMAL ? fn_get_dec(y, j) : fn_get_i64(y, j);
    if (b == 0) return silt_column_append_null(out);
    __int128 m = a % b;
    if (positive && m < 0) m = (m + b) % b;
    if (x->type != SILT_TYPE_DECIMAL) return silt_column_append_int(out, (int64_t)m);
    uint8_t le[16];
    memcpy(le, &m, 16);
    return silt_column_append_decimal(out, le);
}

static int mod_eval_kind(silt_column *out, const silt_sql_fn_args *a, int64_t n, bool positive,
                         silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int rc = fn_all_valid(a, r) ? mod_one(out, a->cols[0], silt_sql_arg_row(a, 0, r),
                                              a->cols[1], silt_sql_arg_row(a, 1, r), positive)
                                    : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

static int mod_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    return mod_eval_kind(out, a, n, false, err);
}
static int pmod_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                     silt_error *err)
{
    return mod_eval_kind(out, a, n, true, err);
}

const silt_sql_scalar_fn silt_sql_fn_math[] = {
    {"abs", 1, 1, abs_bind, abs_eval, NULL, "abs(x) - absolute value, same type. abs(-1) -> 1"},
    {"round", 1, 2, round_bind, round_eval, silt_free,
     "round(x[, d]) - x rounded HALF_UP to d decimal places (negative d: tens...). "
     "round(2.5, 0) -> 3"},
    {"floor", 1, 1, floor_bind, round_eval, silt_free,
     "floor(x) - largest integer not above x: bigint, decimal(p-s+1,0) for decimals. "
     "floor(-0.1) -> -1"},
    {"ceil", 1, 1, ceil_bind, round_eval, silt_free,
     "ceil(x) - smallest integer not below x: bigint, decimal(p-s+1,0) for decimals. "
     "ceil(-0.1) -> 0"},
    {"ceiling", 1, 1, ceil_bind, round_eval, silt_free,
     "ceiling(x) - same as ceil. "
     "ceiling(5.4) -> 6"},
    {"pow", 2, 2, pow_bind, dbl_eval, NULL, "pow(x, y) - x raised to y, double. pow(2, 3) -> 8.0"},
    {"power", 2, 2, pow_bind, dbl_eval, NULL, "power(x, y) - same as pow. power(2, 3) -> 8.0"},
    {"sqrt", 1, 1, sqrt_bind, dbl_eval, NULL,
     "sqrt(x) - square root, double (NaN below 0). sqrt(4) -> 2.0"},
    {"cbrt", 1, 1, cbrt_bind, dbl_eval, NULL, "cbrt(x) - cube root, double. cbrt(27.0) -> 3.0"},
    {"exp", 1, 1, exp_bind, dbl_eval, NULL, "exp(x) - e to the power x. exp(0) -> 1.0"},
    {"ln", 1, 1, ln_bind, dbl_eval, NULL,
     "ln(x) - natural logarithm; NULL for x <= 0. ln(1) -> 0.0"},
    {"log", 1, 2, log_bind, dbl_eval, NULL,
     "log([base, ]x) - logarithm of x in base (e by default); NULL when either <= 0. "
     "log(10, 100) -> 2.0"},
    {"log10", 1, 1, log10_bind, dbl_eval, NULL,
     "log10(x) - base-10 logarithm; NULL for x <= 0. log10(10) -> 1.0"},
    {"log2", 1, 1, log2_bind, dbl_eval, NULL,
     "log2(x) - base-2 logarithm; NULL for x <= 0. log2(2) -> 1.0"},
    {"sign", 1, 1, sign_bind, dbl_eval, NULL, "sign(x) - -1.0, 0.0 or 1.0. sign(40) -> 1.0"},
    {"signum", 1, 1, sign_bind, dbl_eval, NULL, "signum(x) - same as sign. signum(-4) -> -1.0"},
    {"mod", 2, 2, mod_bind, mod_eval, NULL,
     "mod(a, b) - remainder of a / b with the sign of a; NULL when b is 0. mod(2, 1.8) -> 0.2"},
    {"pmod", 2, 2, mod_bind, pmod_eval, NULL,
     "pmod(a, b) - positive remainder of a / b; NULL when b is 0. pmod(-10, 3) -> 2"},
    {0},
};
