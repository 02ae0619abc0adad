/* Helpers shared by the SQL function families: decimal arithmetic on int128, reading numbers
 * of any width, bind shortcuts and Spark's implicit type widening. */
#include <pthread.h>
#include <stdio.h>

#include "sql/fn_util.h"

double fn_get_double(const silt_column *c, int32_t scale, int64_t i)
{
    switch (c->type) {
    case SILT_TYPE_FLOAT: return ((const float *)c->values)[i];
    case SILT_TYPE_DOUBLE: return ((const double *)c->values)[i];
    case SILT_TYPE_DECIMAL: {
        __int128 v = fn_get_dec(c, i);
        __int128 p = fn_pow10(scale);
        return (double)(v / p) + (double)(v % p) / (double)p;
    }
    default: return (double)fn_get_i64(c, i);
    }
}

static __int128 pow10_table[39];
static pthread_once_t pow10_once = PTHREAD_ONCE_INIT;

static void pow10_init(void)
{
    __int128 v = 1;
    for (int i = 0; i < 39; i++) {
        pow10_table[i] = v;
        if (i < 38) v *= 10;
    }
}

__int128 fn_pow10(int n)
{
    pthread_once(&pow10_once, pow10_init);
    __int128 *table = pow10_table;
    if (n < 0) n = 0;
    if (n > 38) n = 38;
    return table[n];
}

bool fn_dec_overflows(__int128 v, int p)
{
    if (p > 38) p = 38;
    __int128 lim = fn_pow10(p);
    return v >= lim || v <= -lim;
}

__int128 fn_div_round(__int128 v, __int128 d)
{
    __int128 q = v / d, r = v % d;
    if (r < 0) r = -r;
    if (2 * r >= d) q += v < 0 ? -1 : 1;
    return q;
}

int fn_append_dec(silt_column *out, __int128 v, int p)
{
    if (fn_dec_overflows(v, p)) return silt_column_append_null(out);
    uint8_t le[16];
    memcpy(le, &v, 16);
    return silt_column_append_decimal(out, le);
}

int fn_ret(silt_sql_fn_bind *b, silt_type_id t, silt_error *err)
{
    if (silt_field_init(&b->ret, "", t, true) != 0) return FN_OOM(err);
    if (t == SILT_TYPE_TIMESTAMP) b->ret.tz_utc = true;
    return 0;
}

int fn_ret_copy(silt_sql_fn_bind *b, const silt_field *t, silt_error *err)
{
    if (silt_field_copy(&b->ret, t) != 0) return FN_OOM(err);
    b->ret.nullable = true;
    return 0;
}

int fn_ret_dec(silt_sql_fn_bind *b, int p, int s, silt_error *err)
{
    if (fn_ret(b, SILT_TYPE_DECIMAL, err) != 0) return SILT_ENOMEM;
    b->ret.precision = p > 38 ? 38 : p;
    b->ret.scale = s > 38 ? 38 : s;
    return 0;
}

void fn_want(silt_sql_fn_bind *b, size_t i, silt_type_id t)
{
    silt_field *w = &b->want[i];
    w->type = t;
    w->nullable = true;
    w->tz_utc = t == SILT_TYPE_TIMESTAMP;
}

int fn_bind_done(silt_sql_fn_bind *b, int rc, void (*free_state)(void *))
{
    if (rc == 0) return 0;
    if (b->state && free_state) free_state(b->state);
    b->state = NULL;
    silt_field_clear(&b->ret);
    memset(&b->ret, 0, sizeof b->ret);
    for (size_t i = 0; b->want && i < b->n_args; i++) {
        silt_field_clear(&b->want[i]);
        memset(&b->want[i], 0, sizeof b->want[i]);
    }
    return rc;
}

const char *fn_sig(char *out, size_t cap, const char *name, const silt_sql_fn_bind *b)
{
    size_t len = (size_t)snprintf(out, cap, "%s(", name);
    for (size_t i = 0; i < b->n_args && len < cap; i++) {
        char t[128];
        silt_sql_type_format(t, sizeof t, b->arg_types[i]);
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? ", " : "", t);
    }
    if (len < cap) snprintf(out + len, cap - len, ")");
    return out;
}

int fn_bad_args(silt_error *err, const char *name, const silt_sql_fn_bind *b, const char *what)
{
    char sig[300];
    return silt_error_set(err, SILT_EINVAL, "%s: %s", fn_sig(sig, sizeof sig, name, b), what);
}

/* Rank of a numeric type in Spark's widening order (decimal handled apart). */
static int num_rank(silt_type_id t)
{
    switch (t) {
    case SILT_TYPE_INT8: return 1;
    case SILT_TYPE_INT16: return 2;
    case SILT_TYPE_INT32: return 3;
    case SILT_TYPE_INT64: return 4;
    case SILT_TYPE_FLOAT: return 6;
    case SILT_TYPE_DOUBLE: return 7;
    default: return 0;
    }
}

/* Digits before the point an integer type needs as a decimal (Spark: int = decimal(10,0)). */
static int int_digits(silt_type_id t)
{
    switch (t) {
    case SILT_TYPE_INT8: return 3;
    case SILT_TYPE_INT16: return 5;
    case SILT_TYPE_INT32: return 10;
    default: return 20;
    }
}

static bool wider_decimal(silt_field *out, const silt_field *a, const silt_field *b)
{
    if (fn_is_float(a->type) || fn_is_float(b->type)) {
        out->type = SILT_TYPE_DOUBLE;
        return true;
    }
    int ip = 0, sc = 0;
    const silt_field *x[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        int i = x[k]->type == SILT_TYPE_DECIMAL ? x[k]->precision - x[k]->scale
                                                : int_digits(x[k]->type);
        int s = x[k]->type == SILT_TYPE_DECIMAL ? x[k]->scale : 0;
        if (i > ip) ip = i;
        if (s > sc) sc = s;
    }
    out->type = SILT_TYPE_DECIMAL;
    out->precision = ip + sc > 38 ? 38 : ip + sc;
    out->scale = sc > out->precision ? out->precision : sc;
    return true;
}

static bool is_datetime(silt_type_id t)
{
    return t == SILT_TYPE_DATE32 || t == SILT_TYPE_TIMESTAMP;
}

bool fn_wider(silt_field *out, const silt_field *a, const silt_field *b)
{
    memset(out, 0, sizeof *out);
    out->nullable = true;
    if (a->type == 0) return silt_field_copy(out, b) == 0;
    if (b->type == 0 || (a->type == b->type && a->n_children == 0 && a->type != SILT_TYPE_DECIMAL))
        return silt_field_copy(out, a) == 0;
    if (a->type == SILT_TYPE_DECIMAL || b->type == SILT_TYPE_DECIMAL) {
        if (!fn_is_numeric(a->type) || !fn_is_numeric(b->type)) goto other;
        return wider_decimal(out, a, b);
    }
    if (num_rank(a->type) && num_rank(b->type)) {
        out->type = num_rank(a->type) > num_rank(b->type) ? a->type : b->type;
        return true;
    }
    if (is_datetime(a->type) && is_datetime(b->type)) {
        out->type = SILT_TYPE_TIMESTAMP;
        out->tz_utc = true;
        return true;
    }
other:
    if (a->type == SILT_TYPE_STRING || b->type == SILT_TYPE_STRING) {
        const silt_field *o = a->type == SILT_TYPE_STRING ? b : a;
        if (o->n_children > 0 || o->type == SILT_TYPE_BINARY) return false;
        out->type = SILT_TYPE_STRING;
        return true;
    }
    if (a->n_children > 0 && a->type == b->type) return silt_field_copy(out, a) == 0;
    return false;
}

static int cmp_dbl(double a, double b)
{
    bool na = a != a, nb = b != b;
    if (na || nb) return na - nb;
    return (a > b) - (a < b);
}

int fn_value_cmp(const silt_column *a, int64_t i, const silt_column *b, int64_t j)
{
    switch (a->type) {
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: return cmp_dbl(fn_get_double(a, 0, i), fn_get_double(b, 0, j));
    case SILT_TYPE_DECIMAL: {
        __int128 x = fn_get_dec(a, i), y = fn_get_dec(b, j);
        return (x > y) - (x < y);
    }
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: {
        size_t na, nb;
        const uint8_t *pa = silt_column_bytes(a, i, &na), *pb = silt_column_bytes(b, j, &nb);
        int c = memcmp(pa, pb, na < nb ? na : nb);
        if (c) return c < 0 ? -1 : 1;
        return (na > nb) - (na < nb);
    }
    default: {
        int64_t x = fn_get_i64(a, i), y = fn_get_i64(b, j);
        return (x > y) - (x < y);
    }
    }
}

/* Whether two types are the same (decimals: precision and scale too). */
static bool same_type(const silt_field *a, const silt_field *b)
{
    if (a->type != b->type) return false;
    if (a->type == SILT_TYPE_DECIMAL) return a->precision == b->precision && a->scale == b->scale;
    if (a->type == SILT_TYPE_TIMESTAMP) return a->tz_utc == b->tz_utc;
    return true;
}

int fn_unify(silt_sql_fn_bind *b, size_t from, size_t to, const char *name, silt_error *err)
{
    silt_field acc = {0};
    for (size_t i = from; i < to; i++) {
        silt_field next;
        if (!fn_wider(&next, &acc, b->arg_types[i])) {
            silt_field_clear(&acc);
            return fn_bad_args(err, name, b, "the arguments have no common type");
        }
        silt_field_clear(&acc);
        acc = next;
    }
    if (acc.type == 0) acc.type = SILT_TYPE_STRING; /* every argument NULL */
    for (size_t i = from; i < to; i++) {
        if (same_type(b->arg_types[i], &acc) || acc.n_children > 0) continue;
        if (silt_field_copy(&b->want[i], &acc) != 0) goto oom;
    }
    b->ret = acc;
    b->ret.nullable = true;
    return 0;
oom:
    silt_field_clear(&acc);
    return FN_OOM(err);
}
