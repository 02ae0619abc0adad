/* Arithmetic kernels: + - * / % div and unary minus over integer (wrapping, as Spark without
 * ANSI), floating point and exact decimal (__int128, NULL on overflow past 38 digits)
 * vectors. Division or remainder by zero gives NULL. */
#include <math.h>
#include <string.h>

#include "sql/cast.h"
#include "sql/exec.h"

static const __int128 P10_38 = (__int128)10000000000000000000ull * 10000000000000000000ull;

__int128 sql_pow10(int n)
{
    __int128 r = 1;
    for (n = n > 38 ? 38 : n; n > 0; n--) r *= 10;
    return r;
}

bool sql_pow10_mul(__int128 x, int k, __int128 *out)
{
    if (k < 0) return false;
    if (k > 38) {
        *out = 0;
        return x == 0;
    }
    return !__builtin_mul_overflow(x, sql_pow10(k), out);
}

static int64_t geti(const silt_column *c, int64_t i)
{
    switch (c->type) {
    case SILT_TYPE_INT8: return ((const int8_t *)c->values)[i];
    case SILT_TYPE_INT16: return ((const int16_t *)c->values)[i];
    case SILT_TYPE_INT32: return ((const int32_t *)c->values)[i];
    default: return ((const int64_t *)c->values)[i];
    }
}

static void puti(silt_column *c, int64_t i, int64_t v)
{
    switch (c->type) {
    case SILT_TYPE_INT8: ((int8_t *)c->values)[i] = (int8_t)v; break;
    case SILT_TYPE_INT16: ((int16_t *)c->values)[i] = (int16_t)v; break;
    case SILT_TYPE_INT32: ((int32_t *)c->values)[i] = (int32_t)v; break;
    default: ((int64_t *)c->values)[i] = v; break;
    }
}

static int int_kernel(silt_column *o, sql_op op, const sql_vec *a, const sql_vec *b, int64_t n)
{
    int sa = a->is_const ? 0 : 1, sb = b && !b->is_const ? 1 : 0;
    if (o->type == SILT_TYPE_INT64 && a->c->type == SILT_TYPE_INT64 &&
        (op == OP_ADD || op == OP_SUB || op == OP_MUL)) {
        const uint64_t *x = (const uint64_t *)a->c->values, *y = (const uint64_t *)b->c->values;
        uint64_t *r = (uint64_t *)o->values;
        if (op == OP_ADD)
            for (int64_t i = 0; i < n; i++) r[i] = x[i * sa] + y[i * sb];
        else if (op == OP_SUB)
            for (int64_t i = 0; i < n; i++) r[i] = x[i * sa] - y[i * sb];
        else
            for (int64_t i = 0; i < n; i++) r[i] = x[i * sa] * y[i * sb];
        return 0;
    }
    for (int64_t i = 0; i < n; i++) {
        uint64_t x = (uint64_t)geti(a->c, i * sa), y = b ? (uint64_t)geti(b->c, i * sb) : 0;
        int64_t r = 0;
        switch (op) {
        case OP_ADD: r = (int64_t)(x + y); break;
        case OP_SUB: r = (int64_t)(x - y); break;
        case OP_MUL: r = (int64_t)(x * y); break;
        case OP_NEG: r = (int64_t)(0 - x); break;
        case OP_MOD:
        case OP_IDIV:
            if (y == 0) {
                if (sql_col_set_null(o, i)) return SILT_ENOMEM;
            } else if ((int64_t)y == -1) {
                r = op == OP_MOD ? 0 : (int64_t)(0 - x);
            } else {
                r = op == OP_MOD ? (int64_t)x % (int64_t)y : (int64_t)x / (int64_t)y;
            }
            break;
        default: break;
        }
        puti(o, i, r);
    }
    return 0;
}

static double getd(const silt_column *c, int64_t i)
{
    return c->type == SILT_TYPE_FLOAT ? ((const float *)c->values)[i]
                                      : ((const double *)c->values)[i];
}

/* + - * of doubles in straight loops (no per-row type tests; vectorizable). */
static bool double_fast(silt_column *o, sql_op op, const sql_vec *a, const sql_vec *b, int64_t n)
{
    if (o->type != SILT_TYPE_DOUBLE || !b || a->c->type != SILT_TYPE_DOUBLE ||
        b->c->type != SILT_TYPE_DOUBLE || (op != OP_ADD && op != OP_SUB && op != OP_MUL))
        return false;
    int64_t sa = a->is_const ? 0 : 1, sb = b->is_const ? 0 : 1;
    const double *x = (const double *)a->c->values, *y = (const double *)b->c->values;
    double *r = (double *)o->values;
    if (op == OP_ADD)
        for (int64_t i = 0; i < n; i++) r[i] = x[i * sa] + y[i * sb];
    else if (op == OP_SUB)
        for (int64_t i = 0; i < n; i++) r[i] = x[i * sa] - y[i * sb];
    else
        for (int64_t i = 0; i < n; i++) r[i] = x[i * sa] * y[i * sb];
    return true;
}

static int float_kernel(silt_column *o, sql_op op, const sql_vec *a, const sql_vec *b, int64_t n)
{
    int sa = a->is_const ? 0 : 1, sb = b && !b->is_const ? 1 : 0;
    bool f = o->type == SILT_TYPE_FLOAT;
    if (double_fast(o, op, a, b, n)) return 0;
    for (int64_t i = 0; i < n; i++) {
        double x = getd(a->c, i * sa), y = b ? getd(b->c, i * sb) : 0, r = 0;
        switch (op) {
        case OP_ADD: r = x + y; break;
        case OP_SUB: r = x - y; break;
        case OP_MUL: r = x * y; break;
        case OP_NEG: r = -x; break;
        case OP_DIV:
        case OP_MOD:
            if (y == 0) {
                if (sql_col_set_null(o, i)) return SILT_ENOMEM;
            } else {
                r = op == OP_DIV ? x / y : fmod(x, y);
            }
            break;
        default: break;
        }
        if (f)
            ((float *)o->values)[i] = (float)r;
        else
            ((double *)o->values)[i] = r;
    }
    return 0;
}

static __int128 decget(const silt_column *c, int64_t i)
{
    __int128 v;
    memcpy(&v, c->values + i * 16, 16);
    return v;
}

/* Divides v by 10^k rounding half away from zero (Spark's HALF_UP). */
__int128 sql_dec_rescale_down(__int128 v, int k)
{
    if (k <= 0) return v;
    if (k > 38) return 0;
    __int128 p = sql_pow10(k), q = v / p, r = v % p;
    if (r < 0) r = -r;
    if (r * 2 >= p) q += v < 0 ? -1 : 1;
    return q;
}

static bool dec_op(__int128 *r, sql_op op, __int128 x, int sx, __int128 y, int sy, int so)
{
    int s;
    switch (op) {
    case OP_ADD:
    case OP_SUB:
    case OP_MOD:
        s = sx > sy ? sx : sy;
        if (!sql_pow10_mul(x, s - sx, &x) || !sql_pow10_mul(y, s - sy, &y)) return false;
        if (op == OP_MOD) {
            if (y == 0) return false;
            *r = x % y;
        } else {
            *r = op == OP_ADD ? x + y : x - y;
        }
        if (s > so) *r = sql_dec_rescale_down(*r, s - so);
        return s > so || sql_pow10_mul(*r, so - s, r);
    case OP_MUL:
        if (__builtin_mul_overflow(x, y, r)) return false;
        if (sx + sy > so) *r = sql_dec_rescale_down(*r, sx + sy - so);
        return sx + sy > so || sql_pow10_mul(*r, so - sx - sy, r);
    case OP_DIV: {
        if (y == 0) return false;
        /* x/y with so digits: x * 10^(so - sx + sy) / y, rounded half up */
        int k = so - sx + sy + 1;
        __int128 num;
        if (!sql_pow10_mul(x, k, &num)) return false;
        __int128 q = num / y;
        *r = sql_dec_rescale_down(q, 1);
        return true;
    }
    case OP_NEG: *r = -x; return true;
    default: return false;
    }
}

static int dec_kernel(silt_column *o, const sql_expr *e, const sql_vec *a, const sql_vec *b,
                      int64_t n)
{
    int sa = a->is_const ? 0 : 1, sb = b && !b->is_const ? 1 : 0;
    int sx = e->args[0]->type.scale, sy = b ? e->args[1]->type.scale : 0;
    __int128 lim = P10_38;
    int p = e->type.precision;
    if (p < 38) lim = sql_pow10(p);
    for (int64_t i = 0; i < n; i++) {
        __int128 r = 0;
        bool ok = dec_op(&r, e->op, decget(a->c, i * sa), sx, b ? decget(b->c, i * sb) : 0, sy,
                         e->type.scale);
        if (!ok || r >= lim || r <= -lim) {
            r = 0;
            if (sql_col_set_null(o, i)) return SILT_ENOMEM;
        }
        memcpy(o->values + i * 16, &r, 16);
    }
    return 0;
}

int sql_k_arith(sql_vec *out, const sql_expr *e, sql_vec *a, sql_vec *b, int64_t n, silt_error *err)
{
    silt_column *o = &out->own;
    out->owned = true;
    out->c = o;
    const sql_vec *v[2] = {a, b};
    int rc = sql_col_alloc(o, &e->type, n);
    if (!rc) rc = sql_col_validity_and(o, v, b ? 2 : 1, n);
    if (!rc) {
        if (e->type.type == SILT_TYPE_DECIMAL)
            rc = dec_kernel(o, e, a, b, n);
        else if (e->type.type == SILT_TYPE_FLOAT || e->type.type == SILT_TYPE_DOUBLE)
            rc = float_kernel(o, e->op, a, b, n);
        else
            rc = int_kernel(o, e->op, a, b, n);
    }
    if (rc) return silt_error_set(err, rc, "out of memory in arithmetic");
    return 0;
}
